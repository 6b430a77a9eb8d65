//! Checks the coverage table in `src/coverage.md` against the generated bindings and the
//! sources: every context member is listed once, in order, and every member the table says is
//! reachable is used by the safe layer.

use std::path::Path;

fn sources() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = String::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                all.push_str(&std::fs::read_to_string(p).unwrap());
            }
        }
    }
    all
}

#[test]
fn every_context_member_is_listed_and_reachable() {
    let table = include_str!("../src/coverage.md");
    let rows: Vec<(&str, &str)> = table
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let member = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            (member.starts_with("h_") || member.starts_with("ctx_")).then(|| (member, cells[2]))
        })
        .collect();
    let listed: Vec<&str> = rows.iter().map(|(m, _)| *m).collect();
    assert_eq!(
        listed,
        hpy::sys::CONTEXT_MEMBERS,
        "the table must list every member in order"
    );

    let src = sources();
    let exceptions = include_str!("../src/err/exceptions.rs");
    let mut unused = Vec::new();
    for (member, api) in &rows {
        if api.contains("**left out**") || api.contains("**not yet**") {
            continue;
        }
        let used = src.contains(member)
            || member
                .strip_prefix("h_")
                .is_some_and(|name| exceptions.contains(&format!("    {name},\n")));
        if !used {
            unused.push(*member);
        }
    }
    assert!(
        unused.is_empty(),
        "listed as reachable but not used: {unused:?}"
    );
}
