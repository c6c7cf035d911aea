//! The bundled demo must reproduce the consultation summary (docs/codebook.md,
//! "Figures the summary reports"): from the human codes exactly, and from the
//! pipeline's own coding within one percentage point.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::{Workdir, repo};

/// The codebook's target table: (question, option or theme, percent of all respondents).
const TARGETS: &[(&str, &str, f64)] = &[
    ("q1", "No", 41.0),
    ("q1", "Yes", 29.5),
    ("q1", "Don't know (including nil)", 29.5),
    ("q2", "No", 69.0),
    ("q3", "lack_of_understanding", 20.0),
    ("q4", "no_contact", 24.0),
    ("q4", "online_restrictions", 20.0),
    ("q5", "mental_health_treatment", 32.0),
    ("q5", "perpetrator_programme", 28.0),
    ("q5", "counselling", 11.0),
    ("q6a", "Yes", 80.0),
    ("q6b", "Yes", 42.0),
    ("q6b", "Don't know (including nil)", 45.0),
    ("q6b", "No", 13.0),
    ("q7", "Yes", 69.0),
    ("q7", "Don't know (including nil)", 21.0),
    ("q7", "No", 11.0),
    ("q8", "lack_of_understanding", 14.0),
    ("q8", "professional_response", 12.0),
];

/// Percent of all respondents for every option and theme in summary.json.
fn figures(summary: &Value) -> BTreeMap<(String, String), f64> {
    let mut out = BTreeMap::new();
    for q in summary["questions"].as_array().expect("questions") {
        let id = q["id"].as_str().expect("id").to_string();
        let pct = |f: &Value| f["pct"].as_f64().expect("pct");
        if q["kind"] == "closed" {
            for o in q["options"].as_array().expect("options") {
                out.insert((id.clone(), o["label"].as_str().expect("label").to_string()), pct(o));
            }
            if let Some(m) = q["nil_merged"].as_object() {
                let label = format!("{} (including nil)", m["label"].as_str().expect("label"));
                out.insert((id.clone(), label), m["pct"].as_f64().expect("pct"));
            }
        } else {
            for t in q["themes"].as_array().expect("themes") {
                out.insert((id.clone(), t["id"].as_str().expect("id").to_string()), pct(&t["of_respondents"]));
            }
        }
    }
    out
}

fn run_demo(dir: &Workdir) -> Value {
    dir.ok(&["run", "--out", "out", "--quiet"]);
    serde_json::from_str(&dir.read("out/summary.json")).expect("summary.json is JSON")
}

#[test]
fn pipeline_reproduces_every_codebook_figure_within_one_point() {
    let dir = Workdir::new();
    let summary = run_demo(&dir);
    assert_eq!(summary["respondents"], 132);
    let got = figures(&summary);
    let mut misses = Vec::new();
    for (q, what, want) in TARGETS {
        let have = got.get(&(q.to_string(), what.to_string())).copied().unwrap_or(f64::NAN);
        if have.is_nan() || (have - want).abs() > 1.0 {
            misses.push(format!("{q} {what}: summary says {want}%, pipeline gives {have:.2}%"));
        }
    }
    assert!(misses.is_empty(), "figures off by more than one point:\n{}", misses.join("\n"));
}

#[test]
fn most_frequent_themes_match_the_summary() {
    let dir = Workdir::new();
    let summary = run_demo(&dir);
    for (q, top) in [("q3", "inconsistent_cjs_response"), ("q9", "training")] {
        let question = summary["questions"].as_array().unwrap().iter().find(|x| x["id"] == q).unwrap();
        assert_eq!(question["themes"][0]["id"], top, "most frequent theme of {q}");
    }
}

#[test]
fn respondent_table_matches_the_summary() {
    let dir = Workdir::new();
    let summary = run_demo(&dir);
    let types: Vec<(String, u64)> = summary["respondent_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_string(), t["count"].as_u64().unwrap()))
        .collect();
    let want = [
        ("Charity", 9),
        ("Police / Law Enforcement", 15),
        ("Professional body", 8),
        ("Local Government", 4),
        ("Member of the public", 96),
    ];
    assert_eq!(types, want.map(|(n, c)| (n.to_string(), c)));
    let md = dir.read("out/summary.md");
    assert!(md.contains("| Charity | 9 (7%) |"), "{md}");
    assert!(md.contains("| Member of the public | 96 (73%) |"), "{md}");
}

#[test]
fn gold_codes_give_the_summary_figures_exactly() {
    // Theme figures of the summary, as counts of the 132 respondents, from gold.csv.
    let gold = std::fs::read_to_string(repo().join("data/stalking-consultation/gold.csv")).unwrap();
    let mut counts: BTreeMap<(String, String), u32> = BTreeMap::new();
    for line in gold.lines().skip(1) {
        let parts: Vec<&str> = line.split(',').collect();
        *counts.entry((parts[1].to_string(), parts[2].to_string())).or_default() += 1;
    }
    for (q, theme, want) in TARGETS.iter().filter(|(_, w, _)| w.contains('_')) {
        let n = counts[&(q.to_string(), theme.to_string())];
        let pct = 100.0 * n as f64 / 132.0;
        assert_eq!(pct.round(), *want, "{q} {theme}: {n} of 132");
    }
    let q8_answered = 67.0; // 49% did not answer
    assert_eq!((100.0 * (132.0 - q8_answered) / 132.0_f64).round(), 49.0);
}

#[test]
fn no_arguments_runs_the_demo_into_out() {
    let dir = Workdir::new();
    let stdout = dir.ok(&[]);
    assert!(stdout.contains("132 respondents coded"), "{stdout}");
    for f in
        ["summary.md", "summary.json", "respondents.csv", "closed_answers.csv", "theme_frequencies.csv", "codes.csv"]
    {
        assert!(dir.join("out").join(f).exists(), "out/{f} missing");
    }
}

/// Local Government (4 respondents) left q7_text blank: its share is no share, not 0%.
#[test]
fn a_group_none_of_whom_answered_has_no_percentage() {
    let dir = Workdir::new();
    run_demo(&dir);
    let csv = dir.read("out/crosstabs.csv");
    assert!(csv.contains("respondent_type,q7_text,theme,stalking_harassment_linked,Local Government,0,0,,"), "{csv}");
    let md = dir.read("out/summary.md");
    assert!(md.lines().any(|l| l.starts_with("| Stalking confused with harassment |") && l.contains("| 0 (n/a) |")));
}
