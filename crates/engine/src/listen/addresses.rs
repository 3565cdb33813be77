//! Which addresses the listener may move to — only this machine's own: loopback, all
//! interfaces (`0.0.0.0`, `::`), or a LAN address detected here — and how to reach an
//! address from this machine.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use super::ListenError;

/// Reads the address a user chose (`192.168.1.20:3857`, `[::1]:3857`, or a bare IP, which
/// keeps the current port) and checks that it belongs to this machine. `locked_by` names
/// the variable or flag that fixes the address, if one does.
pub fn choose(
    text: &str,
    current: SocketAddr,
    locked_by: Option<&'static str>,
) -> Result<SocketAddr, ListenError> {
    if let Some(lock) = locked_by {
        return Err(ListenError::Locked(lock));
    }
    let trimmed = text.trim();
    let invalid = |reason: &str| ListenError::InvalidAddress {
        address: trimmed.chars().take(100).collect(),
        reason: reason.to_string(),
    };
    let wanted = match trimmed.parse::<SocketAddr>() {
        Ok(addr) => addr,
        Err(_) => match trimmed.parse::<IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, current.port()),
            Err(_) => {
                return Err(invalid(
                    "expected IP:PORT, for example 192.168.1.20:3857 or 127.0.0.1:3857",
                ))
            }
        },
    };
    if wanted.port() == 0 {
        return Err(invalid("choose a port from 1 to 65535"));
    }
    let ip = wanted.ip();
    let of_this_machine = ip.is_loopback()
        || ip.is_unspecified()
        || ip == current.ip()
        || lan_addresses(current).contains(&ip.to_string());
    if !of_this_machine {
        return Err(invalid(
            "only this machine's addresses can be listened on: loopback (127.0.0.1), all \
             interfaces (0.0.0.0) or one of the LAN addresses the setup lists",
        ));
    }
    Ok(wanted)
}

/// Whether binding `b` may fail because `a` is bound: the same port, and the same address
/// or either one all interfaces. Only asked after a bind said "in use".
pub fn overlaps(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() == b.port() && (a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified())
}

/// The address this machine reaches a listener on: all interfaces through loopback.
pub fn reachable_from_here(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// Addresses other machines on the network may reach this one at: the listener's own
/// address when it is a specific one, and the source addresses of the default IPv4 and
/// IPv6 routes (found by "connecting" a UDP socket, which sends nothing).
pub fn lan_addresses(listen: SocketAddr) -> Vec<String> {
    let mut found: Vec<IpAddr> = Vec::new();
    if !listen.ip().is_loopback() && !listen.ip().is_unspecified() {
        found.push(listen.ip());
    }
    let probes: [(SocketAddr, SocketAddr); 2] = [
        (
            (Ipv4Addr::UNSPECIFIED, 0).into(),
            // TEST-NET-1: documentation range, never routed to anyone.
            (Ipv4Addr::new(192, 0, 2, 1), 9).into(),
        ),
        (
            (Ipv6Addr::UNSPECIFIED, 0).into(),
            (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 9).into(),
        ),
    ];
    for (bind, target) in probes {
        let Ok(socket) = UdpSocket::bind(bind) else {
            continue;
        };
        if socket.connect(target).is_err() {
            continue;
        }
        if let Ok(local) = socket.local_addr() {
            let ip = local.ip();
            if !ip.is_loopback() && !ip.is_unspecified() && !found.contains(&ip) {
                found.push(ip);
            }
        }
    }
    found.into_iter().map(|ip| ip.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn here() -> SocketAddr {
        "127.0.0.1:3857".parse().unwrap()
    }

    #[test]
    fn this_machines_addresses_are_chosen_others_refused() {
        assert_eq!(
            choose("127.0.0.2:4000", here(), None).unwrap().to_string(),
            "127.0.0.2:4000"
        );
        assert_eq!(
            choose(" 0.0.0.0 ", here(), None).unwrap().to_string(),
            "0.0.0.0:3857"
        );
        assert_eq!(
            choose("[::]:3858", here(), None).unwrap().to_string(),
            "[::]:3858"
        );
        for lan in lan_addresses(here()) {
            let ip: IpAddr = lan.parse().unwrap();
            let chosen = choose(&SocketAddr::new(ip, 3857).to_string(), here(), None).unwrap();
            assert_eq!(chosen.ip(), ip);
        }
        for (text, reason) in [
            ("8.8.8.8:3857", "only this machine"),
            ("nas.local:3857", "expected IP:PORT"),
            ("127.0.0.1:0", "from 1 to 65535"),
            ("", "expected IP:PORT"),
        ] {
            let err = choose(text, here(), None).unwrap_err();
            assert_eq!(err.code(), "invalid_address", "{text}");
            assert!(err.to_string().contains(reason), "{text}: {err}");
        }
    }

    #[test]
    fn a_locked_address_is_refused_naming_the_lock_before_anything_else() {
        let err = choose("not even an address", here(), Some("CARTOGRAPHUS_LISTEN")).unwrap_err();
        assert_eq!(err.code(), "locked");
        assert!(err.to_string().contains("CARTOGRAPHUS_LISTEN"), "{err}");
    }

    #[test]
    fn overlapping_addresses_share_a_port_and_an_interface() {
        let a: SocketAddr = "127.0.0.1:3857".parse().unwrap();
        assert!(overlaps(a, "0.0.0.0:3857".parse().unwrap()));
        assert!(overlaps("0.0.0.0:3857".parse().unwrap(), a));
        assert!(!overlaps(a, "127.0.0.2:3857".parse().unwrap()));
        assert!(!overlaps(a, "0.0.0.0:3858".parse().unwrap()));
    }

    #[test]
    fn all_interfaces_are_reached_through_loopback() {
        assert_eq!(
            reachable_from_here("0.0.0.0:3857".parse().unwrap()).to_string(),
            "127.0.0.1:3857"
        );
        assert_eq!(
            reachable_from_here("[::]:1".parse().unwrap()).to_string(),
            "[::1]:1"
        );
        assert_eq!(
            reachable_from_here("10.0.0.5:2".parse().unwrap()).to_string(),
            "10.0.0.5:2"
        );
    }

    #[test]
    fn lan_addresses_are_never_loopback() {
        for address in lan_addresses(here()) {
            let ip: IpAddr = address.parse().unwrap();
            assert!(!ip.is_loopback() && !ip.is_unspecified(), "{ip}");
        }
        let specific = lan_addresses("192.168.7.7:3857".parse().unwrap());
        assert_eq!(specific.first().map(String::as_str), Some("192.168.7.7"));
    }
}
