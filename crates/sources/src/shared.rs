//! Mapping rules used by more than one parser: item types, play methods and network
//! location, written once so every source speaks the same vocabulary (Tautulli's).

use std::net::IpAddr;

use crate::event::{Location, MediaType};

/// Media type from a Jellyfin `ItemType`, Emby `Item.Type`, Plex `Metadata.type` or
/// Tautulli `media_type`. Case-insensitive; anything unknown is `Other`.
pub fn media_type(kind: Option<&str>) -> MediaType {
    match kind.map(str::to_ascii_lowercase).as_deref() {
        Some("movie") => MediaType::Movie,
        Some("episode") => MediaType::Episode,
        Some("track" | "audio") => MediaType::Track,
        _ => MediaType::Other,
    }
}

/// Jellyfin/Emby `PlayMethod` in Tautulli's words: `direct play`, `copy`, `transcode`.
pub fn transcode_decision(play_method: Option<&str>) -> Option<String> {
    let method = play_method?;
    let decision = match method.to_ascii_lowercase().as_str() {
        "directplay" => "direct play".to_owned(),
        "directstream" => "copy".to_owned(),
        "transcode" => "transcode".to_owned(),
        other => other.to_owned(),
    };
    Some(decision)
}

/// LAN when the client address is private, loopback or link-local; WAN otherwise.
/// Jellyfin and Emby do not say, so this is a heuristic: behind a reverse proxy that does
/// not forward the client address every client looks local.
pub fn location_from_ip(address: Option<&str>) -> Option<Location> {
    let address: IpAddr = address?.trim().parse().ok()?;
    let local = match address {
        IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
            None => {
                let first = v6.segments().first().copied().unwrap_or_default();
                v6.is_loopback()
                    || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                    || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
            }
        },
    };
    Some(if local { Location::Lan } else { Location::Wan })
}

/// `1080` from a stream title like `1080p H264 SDR` (Jellyfin's `Video_0_Title`), `4k`
/// from `4K HEVC`; `None` when the title does not start with a resolution.
pub fn resolution_from_title(title: Option<&str>) -> Option<String> {
    let first = title?.split_whitespace().next()?.to_ascii_lowercase();
    if first == "4k" || first == "8k" {
        return Some(first);
    }
    let digits = first
        .strip_suffix('p')
        .or_else(|| first.strip_suffix('i'))?;
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then(|| digits.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert_eq!(media_type(Some("Episode")), MediaType::Episode);
        assert_eq!(media_type(Some("Audio")), MediaType::Track);
        assert_eq!(media_type(Some("movie")), MediaType::Movie);
        assert_eq!(media_type(Some("TvChannel")), MediaType::Other);
        assert_eq!(media_type(None), MediaType::Other);
    }

    #[test]
    fn play_methods() {
        assert_eq!(
            transcode_decision(Some("DirectPlay")).as_deref(),
            Some("direct play")
        );
        assert_eq!(
            transcode_decision(Some("DirectStream")).as_deref(),
            Some("copy")
        );
        assert_eq!(
            transcode_decision(Some("Transcode")).as_deref(),
            Some("transcode")
        );
        assert_eq!(transcode_decision(None), None);
    }

    #[test]
    fn locations() {
        assert_eq!(location_from_ip(Some("192.168.1.52")), Some(Location::Lan));
        assert_eq!(location_from_ip(Some("10.0.0.1")), Some(Location::Lan));
        assert_eq!(
            location_from_ip(Some("::ffff:172.16.0.9")),
            Some(Location::Lan)
        );
        assert_eq!(location_from_ip(Some("fd00::1")), Some(Location::Lan));
        assert_eq!(location_from_ip(Some("fe80::1")), Some(Location::Lan));
        assert_eq!(location_from_ip(Some("198.51.100.77")), Some(Location::Wan));
        assert_eq!(location_from_ip(Some("2001:db8::1")), Some(Location::Wan));
        assert_eq!(location_from_ip(Some("not an ip")), None);
        assert_eq!(location_from_ip(None), None);
    }

    #[test]
    fn resolutions() {
        assert_eq!(
            resolution_from_title(Some("1080p H264 SDR")).as_deref(),
            Some("1080")
        );
        assert_eq!(
            resolution_from_title(Some("4K HEVC HDR")).as_deref(),
            Some("4k")
        );
        assert_eq!(
            resolution_from_title(Some("576i MPEG2")).as_deref(),
            Some("576")
        );
        assert_eq!(resolution_from_title(Some("H264")), None);
        assert_eq!(resolution_from_title(Some("p")), None);
    }
}
