//! A configuration's key bindings laid over the defaults, and the checks only the whole can
//! answer: one key bound to two actions in a mode, a key that both acts and starts a sequence,
//! and a keymap that leaves no way to quit.
//!
//! The file wins where it speaks: keys it binds in a mode lose their default binding there (and
//! so do the defaults they clash with: binding `g` gives up the default `g g`), `"none"` removes
//! a binding (and the sequences a key starts), and what it leaves alone keeps its default.
//! Keys bound to what they already do change nothing, so the default file reads back as the
//! default keymap, binding for binding.

use super::error::Problems;
use super::key::KeySeq;
use super::keymap::{Binding, Keymap, Mode};
use super::keys_table::KeyEntry;
use crate::action::Action;

/// `entries` (in the file's order) over `defaults`; what is wrong goes to `problems`.
pub(crate) fn keymap(defaults: &Keymap, entries: &[KeyEntry], problems: &mut Problems) -> Keymap {
    check_entries(entries, problems);
    let changes = changes(defaults, entries);
    let mut removed = Vec::new();
    let mut bindings = without_replaced(defaults, &changes, &mut removed);
    add_bindings(&mut bindings, &changes);
    let keymap = Keymap::new(bindings, defaults.hint_list().to_vec());
    check_quit(&keymap, entries, &removed, problems);
    keymap
}

/// What the file says about one key (or sequence) in one mode.
#[derive(Clone, Copy)]
struct Change {
    mode: Mode,
    keys: KeySeq,
    action: Option<Action>,
    /// Index of its entry in the file.
    entry: usize,
}

fn name(action: Action) -> String {
    action
        .config_name()
        .unwrap_or_else(|| format!("{action:?}"))
}

/// Bindings of the file that contradict one another in a mode they share.
fn check_entries(entries: &[KeyEntry], problems: &mut Problems) {
    for (i, later) in entries.iter().enumerate() {
        for earlier in &entries[..i] {
            let Some(mode) = later
                .scope
                .modes()
                .iter()
                .find(|m| earlier.scope.modes().contains(m))
            else {
                continue;
            };
            let (Some(now), Some(before)) = (later.action, earlier.action) else {
                continue;
            };
            let table = earlier.scope.name();
            if later.keys == earlier.keys && now != before {
                problems.add(
                    later.span.clone(),
                    format!(
                        "\"{}\" is bound twice in {}: to {:?} in [keys.{table}] and to {:?} \
                         here; in one mode a key does one thing",
                        later.keys,
                        mode.describe(),
                        name(before),
                        name(now),
                    ),
                );
            } else if later.keys.clashes_with(&earlier.keys) {
                let (single, sequence) = if later.keys.second().is_none() {
                    (later.keys, earlier.keys)
                } else {
                    (earlier.keys, later.keys)
                };
                problems.add(
                    later.span.clone(),
                    format!(
                        "\"{single}\" is bound to an action and starts the sequence \
                         \"{sequence}\" in {} (see [keys.{table}]); a key that starts a \
                         sequence waits for the next, so it cannot also act alone",
                        mode.describe()
                    ),
                );
            }
        }
    }
}

/// The file's entries as changes per mode: a binding wins over an unbinding of the same keys,
/// and a binding the defaults already have is no change.
fn changes(defaults: &Keymap, entries: &[KeyEntry]) -> Vec<Change> {
    let placed: Vec<Change> = entries
        .iter()
        .enumerate()
        .flat_map(|(entry, e)| {
            e.scope.modes().iter().map(move |&mode| Change {
                mode,
                keys: e.keys,
                action: e.action,
                entry,
            })
        })
        .collect();
    let bound = |mode: Mode, keys: KeySeq| {
        placed
            .iter()
            .any(|c| c.mode == mode && c.keys == keys && c.action.is_some())
    };
    placed
        .iter()
        .filter(|c| c.action.is_some() || !bound(c.mode, c.keys))
        .filter(|c| c.action.is_none() || defaults.bound(c.mode, c.keys) != c.action)
        .copied()
        .collect()
}

/// The change that takes `keys` away from `mode`, if any: the same keys bound or unbound, keys
/// bound that clash with them, or an unbound key whose sequences go with it.
fn taken_by(changes: &[Change], mode: Mode, keys: KeySeq) -> Option<&Change> {
    changes.iter().find(|c| {
        c.mode == mode
            && (c.keys == keys
                || match c.action {
                    Some(_) => c.keys.clashes_with(&keys),
                    None => c.keys.second().is_none() && keys.first() == c.keys.first(),
                })
    })
}

/// The default bindings less what the changes take away, splitting a binding where a key of it
/// goes in some of its modes only. `removed` gets (mode, action, entry) for each loss.
fn without_replaced(
    defaults: &Keymap,
    changes: &[Change],
    removed: &mut Vec<(Mode, Action, usize)>,
) -> Vec<Binding> {
    let mut bindings: Vec<Binding> = Vec::new();
    for binding in defaults.bindings() {
        let mut whole = Vec::new();
        let mut parts: Vec<Binding> = Vec::new();
        for &keys in &binding.keys {
            let mut kept = Vec::new();
            for &mode in &binding.modes {
                match taken_by(changes, mode, keys) {
                    Some(change) => removed.push((mode, binding.action, change.entry)),
                    None => kept.push(mode),
                }
            }
            if kept.len() == binding.modes.len() {
                whole.push(keys);
            } else if !kept.is_empty() {
                match parts.iter_mut().find(|p| p.modes == kept) {
                    Some(part) => part.keys.push(keys),
                    None => parts.push(Binding {
                        modes: kept,
                        keys: vec![keys],
                        ..binding.clone()
                    }),
                }
            }
        }
        if !whole.is_empty() {
            bindings.push(Binding {
                keys: whole,
                ..binding.clone()
            });
        }
        bindings.extend(parts);
    }
    bindings
}

/// The file's new bindings: keys bound to one action in the same modes go together, onto the
/// binding that already does that action in exactly those modes when there is one, else into
/// a binding of their own ahead of the action's others.
fn add_bindings(bindings: &mut Vec<Binding>, changes: &[Change]) {
    // Each (keys, action) with every mode it is bound in, in the file's order.
    let mut added: Vec<(KeySeq, Action, Vec<Mode>)> = Vec::new();
    for change in changes {
        let Some(action) = change.action else {
            continue;
        };
        match added
            .iter_mut()
            .find(|(k, a, _)| *k == change.keys && *a == action)
        {
            Some((_, _, modes)) if !modes.contains(&change.mode) => modes.push(change.mode),
            Some(_) => {}
            None => added.push((change.keys, action, vec![change.mode])),
        }
    }
    for (keys, action, mut modes) in added {
        modes.sort();
        let same = |b: &&mut Binding| {
            let mut theirs = b.modes.clone();
            theirs.sort();
            b.action == action && theirs == modes
        };
        if let Some(binding) = bindings.iter_mut().find(|b| same(b)) {
            binding.keys.push(keys);
            continue;
        }
        // Before the action's other bindings, so the footer names the key the file chose.
        let at = bindings
            .iter()
            .position(|b| b.action == action)
            .unwrap_or(bindings.len());
        bindings.insert(at, Binding::new(&modes, [keys], action));
    }
}

/// Where focus goes from a pane on an action, for the actions that move it.
fn moves(mode: Mode, action: Action) -> Option<Mode> {
    use Mode::*;
    match (action, mode) {
        (Action::Back, Detail | Related) => Some(List),
        (Action::FocusNext, List) | (Action::Activate, List | Related) => Some(Detail),
        (Action::FocusNext, Detail) | (Action::Activate, Detail) => Some(Related),
        (Action::FocusNext, Related) | (Action::FocusPrev, Detail) => Some(List),
        (Action::FocusPrev, List) => Some(Related),
        (Action::FocusPrev, Related) => Some(Detail),
        _ => None,
    }
}

/// The modes from which no keys lead to quitting: none bound to `quit`, and none that lead to
/// a mode that has them (another pane; the list from the query line; from an overlay, back to
/// the panes).
fn stuck(keymap: &Keymap) -> Vec<Mode> {
    let has = |mode: Mode, action: Action| {
        keymap
            .live(mode)
            .any(|b| b.action == action && !b.keys.is_empty())
    };
    let mut free: Vec<Mode> = Mode::ALL
        .into_iter()
        .filter(|m| has(*m, Action::Quit))
        .collect();
    loop {
        let before = free.len();
        for pane in Mode::PANES {
            let leads_out = keymap.live(pane).any(|b| {
                !b.keys.is_empty() && moves(pane, b.action).is_some_and(|to| free.contains(&to))
            });
            if leads_out && !free.contains(&pane) {
                free.push(pane);
            }
        }
        let query_out = [
            Action::QueryAccept,
            Action::QueryClear,
            Action::QueryBackspace,
        ]
        .into_iter()
        .any(|a| has(Mode::Query, a));
        if query_out && free.contains(&Mode::List) && !free.contains(&Mode::Query) {
            free.push(Mode::Query);
        }
        let panes_free = Mode::PANES.iter().all(|m| free.contains(m));
        if has(Mode::Overlay, Action::CloseOverlay) && panes_free && !free.contains(&Mode::Overlay)
        {
            free.push(Mode::Overlay);
        }
        if free.len() == before {
            break;
        }
    }
    Mode::ALL
        .into_iter()
        .filter(|m| !free.contains(m))
        .collect()
}

/// A keymap that leaves a mode with no way to quit is refused, at the first entry that took a
/// binding away from such a mode.
fn check_quit(
    keymap: &Keymap,
    entries: &[KeyEntry],
    removed: &[(Mode, Action, usize)],
    problems: &mut Problems,
) {
    let stuck = stuck(keymap);
    if stuck.is_empty() {
        return;
    }
    let culprit = removed
        .iter()
        .filter(|(mode, _, _)| stuck.contains(mode))
        .map(|(_, _, entry)| *entry)
        .min()
        .or(if entries.is_empty() { None } else { Some(0) });
    let places: Vec<&str> = stuck.iter().map(|m| m.describe()).collect();
    problems.add(
        culprit.map_or(0..0, |i| entries[i].span.clone()),
        format!(
            "this leaves no way to quit from {}: bind \"quit\" to a key there \
             ([keys.everywhere] binds it in every mode), or unbind fewer keys",
            places.join(", ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::keymap::Scope;

    fn entry(scope: Scope, keys: &str, action: Option<Action>) -> KeyEntry {
        KeyEntry {
            scope,
            keys: keys.parse().expect("keys"),
            action,
            span: 0..1,
        }
    }

    #[test]
    fn the_defaults_over_themselves_are_the_defaults() {
        let defaults = Keymap::default();
        let mut entries = Vec::new();
        for binding in defaults.bindings() {
            for scope in Scope::covering(&binding.modes) {
                for keys in &binding.keys {
                    entries.push(KeyEntry {
                        scope,
                        keys: *keys,
                        action: Some(binding.action),
                        span: 0..1,
                    });
                }
            }
        }
        let mut problems = Problems::default();
        assert_eq!(keymap(&defaults, &entries, &mut problems), defaults);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_key_unbound_in_one_mode_stays_in_the_others() {
        let defaults = Keymap::default();
        let mut problems = Problems::default();
        let merged = keymap(
            &defaults,
            &[entry(Scope::One(Mode::Detail), "j", None)],
            &mut problems,
        );
        assert!(problems.is_empty());
        let j: KeySeq = "j".parse().expect("j");
        assert_eq!(merged.bound(Mode::Detail, j), None);
        for mode in [Mode::List, Mode::Related, Mode::Overlay] {
            assert_eq!(merged.bound(mode, j), Some(Action::MoveDown), "{mode:?}");
        }
        let down: KeySeq = "down".parse().expect("down");
        assert_eq!(merged.bound(Mode::Detail, down), Some(Action::MoveDown));
    }

    #[test]
    fn binding_a_key_gives_up_the_sequences_it_starts() {
        let mut problems = Problems::default();
        let merged = keymap(
            &Keymap::default(),
            &[entry(Scope::Browse, "g", Some(Action::Bottom))],
            &mut problems,
        );
        assert!(problems.is_empty());
        let g: KeySeq = "g".parse().expect("g");
        assert_eq!(merged.bound(Mode::List, g), Some(Action::Bottom));
        assert_eq!(merged.bound(Mode::List, "g g".parse().expect("g g")), None);
        // Not in the overlay, which the file did not name.
        assert_eq!(
            merged.bound(Mode::Overlay, "g g".parse().expect("g g")),
            Some(Action::Top)
        );
    }

    #[test]
    fn new_keys_join_the_binding_that_does_the_same_in_the_same_modes() {
        let mut problems = Problems::default();
        let merged = keymap(
            &Keymap::default(),
            &[entry(Scope::Browse, "x", Some(Action::Quit))],
            &mut problems,
        );
        let quit = merged
            .bindings()
            .iter()
            .find(|b| b.action == Action::Quit && b.modes == Mode::PANES)
            .expect("the panes' quit");
        assert_eq!(quit.label(), "q, x");
    }

    #[test]
    fn unbinding_every_quit_is_refused() {
        let mut problems = Problems::default();
        keymap(
            &Keymap::default(),
            &[
                entry(Scope::Browse, "q", None),
                entry(Scope::Everywhere, "ctrl-c", None),
            ],
            &mut problems,
        );
        assert!(!problems.is_empty());
        // Unbinding q alone leaves ctrl-c.
        let mut problems = Problems::default();
        keymap(
            &Keymap::default(),
            &[entry(Scope::Browse, "q", None)],
            &mut problems,
        );
        assert!(problems.is_empty());
    }

    #[test]
    fn a_pane_that_only_leads_to_a_stuck_pane_is_stuck() {
        let mut problems = Problems::default();
        keymap(
            &Keymap::default(),
            &[
                // Quit only from the list, and nothing leads from detail to the list.
                entry(Scope::Everywhere, "ctrl-c", None),
                entry(Scope::One(Mode::Detail), "q", None),
                entry(Scope::One(Mode::Related), "q", None),
                entry(Scope::Browse, "backspace", None),
                entry(Scope::One(Mode::Detail), "esc", None),
                entry(Scope::One(Mode::Related), "esc", None),
                entry(Scope::Browse, "tab", None),
                entry(Scope::Browse, "shift-tab", None),
            ],
            &mut problems,
        );
        assert!(!problems.is_empty());
    }

    #[test]
    fn the_footer_names_the_key_the_file_chose() {
        let mut problems = Problems::default();
        let merged = keymap(
            &Keymap::default(),
            &[
                entry(Scope::Browse, "q", None),
                entry(Scope::Browse, "x", Some(Action::Quit)),
            ],
            &mut problems,
        );
        assert!(problems.is_empty());
        let hints: Vec<String> = merged
            .hints(Mode::List)
            .map(|(k, w)| format!("{k} {w}"))
            .collect();
        assert!(hints.contains(&"x quit".to_string()), "{hints:?}");
    }
}
