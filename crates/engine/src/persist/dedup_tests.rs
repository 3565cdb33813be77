use super::*;
use crate::event::EventType::*;
use crate::event::Source::*;
use crate::testkit::event;

fn decisions(incoming: Vec<MediaEvent>) -> Vec<Decision> {
    let items: Vec<_> = incoming.into_iter().map(|e| (e, None)).collect();
    decide(&mut Vec::new(), &items)
}

fn rule(decision: &Decision) -> Option<DedupRule> {
    match decision {
        Decision::Drop { rule, .. } => Some(*rule),
        _ => None,
    }
}

#[test]
fn the_same_playback_from_tautulli_and_plex_is_kept_once() {
    let d = decisions(vec![event(Tautulli, Start, 0), event(Plex, Start, 4)]);
    assert_eq!(d[0], Decision::Keep);
    assert_eq!(
        d[1],
        Decision::Drop {
            kept_event_id: "tautulli-start-0".into(),
            matched_key: "tv|48213|start".into(),
            rule: DedupRule::CrossSource,
        }
    );
}

#[test]
fn cross_source_matching_respects_each_window() {
    assert_eq!(
        rule(&decisions(vec![event(Tautulli, Stop, 0), event(Plex, Stop, 89)])[1]),
        Some(DedupRule::CrossSource)
    );
    assert_eq!(
        decisions(vec![event(Tautulli, Stop, 0), event(Plex, Stop, 91)])[1],
        Decision::Keep
    );
    // A pause a minute later is a second pause, not a second report of the first.
    assert_eq!(
        decisions(vec![event(Tautulli, Pause, 0), event(Plex, Pause, 60)])[1],
        Decision::Keep
    );
    assert_eq!(
        rule(&decisions(vec![event(Tautulli, Pause, 0), event(Plex, Pause, 10)])[1]),
        Some(DedupRule::CrossSource)
    );
    // Progress reports are never matched.
    assert_eq!(
        decisions(vec![event(Jellyfin, Progress, 0), event(Emby, Progress, 0)])[1],
        Decision::Keep
    );
}

#[test]
fn different_moments_of_one_playback_are_all_kept() {
    let d = decisions(vec![
        event(Tautulli, Start, 0),
        event(Plex, Pause, 5),
        event(Tautulli, Stop, 9),
    ]);
    assert!(d.iter().all(|d| *d == Decision::Keep), "{d:?}");
}

#[test]
fn a_session_reported_again_by_its_source_is_dropped() {
    let mut again = event(Tautulli, Start, 240);
    again.event_id = "poller-start".into();
    let d = decisions(vec![event(Tautulli, Start, 0), again]);
    assert_eq!(rule(&d[1]), Some(DedupRule::Session));
    // Pauses repeat legitimately within a session.
    let mut second_pause = event(Tautulli, Pause, 200);
    second_pause.event_id = "pause-2".into();
    assert_eq!(
        decisions(vec![event(Tautulli, Pause, 0), second_pause])[1],
        Decision::Keep
    );
}

#[test]
fn the_same_id_is_a_duplicate_unless_it_is_the_same_message_again() {
    let e = event(Plex, Start, 0);
    let mut known = vec![Candidate::of(&e, Some(7))];
    let d = decide(
        &mut known,
        &[
            (e.clone(), Some(7)),
            (e.clone(), Some(9)),
            (e.clone(), None),
        ],
    );
    assert_eq!(d[0], Decision::Redelivered);
    assert_eq!(rule(&d[1]), Some(DedupRule::EventId));
    assert_eq!(rule(&d[2]), Some(DedupRule::EventId));
}

#[test]
fn the_same_player_and_item_on_two_servers_are_two_playbacks() {
    let mut other_server = event(Plex, Start, 4);
    other_server.server_id = Some("second-server".into());
    let d = decisions(vec![event(Tautulli, Start, 0), other_server.clone()]);
    assert_eq!(d[1], Decision::Keep, "{d:?}");
    // A source that does not name its server may still match.
    other_server.server_id = None;
    let d = decisions(vec![event(Tautulli, Start, 0), other_server]);
    assert_eq!(rule(&d[1]), Some(DedupRule::CrossSource));
}

/// The same Tautulli playback once as a webhook and once read back from its history: no
/// shared id or session key, the same player, item and moment.
fn imported(event_type: EventType, secs: i64) -> MediaEvent {
    let mut e = event(Tautulli, event_type, secs);
    e.event_id = format!("import-{}-{secs}", event_type.as_str());
    e.origin = crate::event::Origin::Import;
    e.session_key = None;
    e
}

#[test]
fn a_webhook_and_an_import_of_one_moment_are_kept_once_either_way_round() {
    let d = decisions(vec![event(Tautulli, Start, 0), imported(Start, 1)]);
    assert_eq!(d[0], Decision::Keep);
    assert_eq!(
        d[1],
        Decision::Drop {
            kept_event_id: "tautulli-start-0".into(),
            matched_key: "import|tv|48213|start".into(),
            rule: DedupRule::CrossOrigin,
        }
    );
    let d = decisions(vec![imported(Stop, 0), event(Tautulli, Stop, 30)]);
    assert_eq!(rule(&d[1]), Some(DedupRule::CrossOrigin));
    // Two imports of different playbacks of the same item are both history.
    assert_eq!(
        decisions(vec![imported(Start, 0), imported(Start, 1)])[1],
        Decision::Keep
    );
    // Outside the window it is another playback.
    assert_eq!(
        decisions(vec![event(Tautulli, Stop, 0), imported(Stop, 120)])[1],
        Decision::Keep
    );
}
