//! report.html: a snapshot on a small hostile fixture, determinism, and the demo's
//! report rendered in headless Chromium (when /usr/bin/chromium exists; `.ci/run`
//! installs it, so in CI this runs for real).

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Workdir, repo};

/// Runs the parks fixture into `out` in a fresh folder.
fn run_parks(dir: &Workdir, out: &str) {
    let survey = repo().join("tests/fixtures/parks/survey.toml");
    dir.ok(&["run", "--survey", survey.to_str().unwrap(), "--out", out, "-q"]);
}

#[test]
fn parks_report_snapshot() {
    let dir = Workdir::new();
    run_parks(&dir, "o");
    // Review changes like code: UPDATE_EXPECT=1 cargo test parks_report_snapshot
    expect_test::expect_file!["snapshots/parks.report.html"].assert_eq(&dir.read("o/report.html"));
}

#[test]
fn report_html_is_deterministic_and_listed_in_the_manifest() {
    let dir = Workdir::new();
    run_parks(&dir, "a");
    run_parks(&dir, "b");
    assert_eq!(dir.read("a/report.html"), dir.read("b/report.html"));
    let manifest: Value = serde_json::from_str(&dir.read("a/manifest.json")).unwrap();
    let files: Vec<&str> =
        manifest["outputs"].as_array().unwrap().iter().map(|o| o["file"].as_str().unwrap()).collect();
    assert!(files.contains(&"report.html"), "{files:?}");
}

const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs headless Chromium on `url` with `args`, stdout into `stdout`; returns stderr.
/// Gives up (and fails) after a minute rather than hang the suite.
fn chromium(dir: &Workdir, profile: &str, args: &[&str], url: &str, stdout: &Path) -> String {
    let stderr = dir.join(&format!("{profile}.stderr"));
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", dir.join(profile).display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(File::create(stdout).unwrap())
        .stderr(File::create(&stderr).unwrap())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium {args:?} did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let log = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(status.success(), "chromium {args:?} failed ({status}):\n{log}");
    // Chromium logs console messages as `INFO:CONSOLE:<line>] "..."` (errors too, as
    // "Uncaught ..."): the report has no script, so any is a failure.
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught")).collect();
    assert!(console.is_empty(), "console messages from {url}:\n{}", console.join("\n"));
    log
}

/// Theme ids of each open question, in report order, from summary.json.
fn open_themes(summary: &Value) -> Vec<(String, Vec<String>)> {
    summary["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "open")
        .map(|q| {
            let themes = q["themes"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_string());
            (q["id"].as_str().unwrap().to_string(), themes.collect())
        })
        .collect()
}

/// The `data-theme` of each bar in the chart of `question`, in a serialised DOM.
fn theme_bars(dom: &str, question: &str) -> Vec<String> {
    let Some(at) = dom.find(&format!("data-question=\"{question}\"")) else { return Vec::new() };
    let svg = &dom[at..at + dom[at..].find("</svg>").expect("the chart's svg is closed")];
    svg.match_indices("<rect ")
        .filter_map(|(i, _)| {
            let tag = &svg[i..i + svg[i..].find('>').unwrap()];
            let from = tag.find("data-theme=\"")? + "data-theme=\"".len();
            tag.contains("class=\"bar").then(|| tag[from..from + tag[from..].find('"').unwrap()].to_string())
        })
        .collect()
}

/// Appended to a copy of the report: measures each chart and bar as laid out, into a
/// `<pre id="probe">` that `--dump-dom` then shows. (The report itself has no script.)
const PROBE: &str = r#"<script>
window.addEventListener("load", () => {
  const charts = [...document.querySelectorAll("svg[data-question]")].map(svg => ({
    question: svg.dataset.question,
    width: svg.getBoundingClientRect().width,
    bars: [...svg.querySelectorAll("rect.bar")].map(b => [b.dataset.theme || b.dataset.option, b.getBBox().width]),
  }));
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(charts);
  document.body.append(pre);
});
</script>"#;

#[test]
fn demo_report_renders_in_chromium_with_one_bar_per_theme() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skipped: {CHROMIUM} not found (.ci/run installs Debian's chromium, so CI runs this)");
        return;
    }
    let dir = Workdir::new();
    dir.ok(&["run", "--out", "out", "--quiet"]);
    let summary: Value = serde_json::from_str(&dir.read("out/summary.json")).unwrap();
    let questions = open_themes(&summary);
    assert!(questions.iter().any(|(_, t)| t.len() > 1), "the demo has open questions with themes");
    let url = format!("file://{}", dir.join("out/report.html").display());

    // The DOM after parsing: the page loaded, and each open question's chart has
    // exactly one bar per theme, in the table's order.
    let dom_file = dir.join("dom.html");
    chromium(&dir, "p1", &["--dump-dom"], &url, &dom_file);
    let dom = std::fs::read_to_string(&dom_file).unwrap();
    assert!(dom.contains("<h1>Summary of responses: Introducing a stalking protection order</h1>"), "{dom}");
    for (q, themes) in &questions {
        assert_eq!(&theme_bars(&dom, q), themes, "bars of {q}");
    }

    // As laid out: every chart is drawn at a readable width and a raised theme's bar
    // has a width.
    let probed = dir.write("probed.html", dir.read("out/report.html").replace("</body>", &format!("{PROBE}</body>")));
    let probe_file = dir.join("probe.html");
    chromium(&dir, "p2", &["--dump-dom"], &format!("file://{}", probed.display()), &probe_file);
    let probe_dom = std::fs::read_to_string(&probe_file).unwrap();
    let json = probe_dom.split("<pre id=\"probe\">").nth(1).and_then(|s| s.split("</pre>").next()).expect("probe ran");
    let json = json.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let charts: Value = serde_json::from_str(&json).unwrap();
    for (q, themes) in &questions {
        let Some(chart) = charts.as_array().unwrap().iter().find(|c| c["question"] == q.as_str()) else {
            assert!(themes.is_empty(), "{q} has themes but no chart");
            continue;
        };
        assert!(chart["width"].as_f64().unwrap() >= 300.0, "{q} drawn too small: {chart}");
        let bars = chart["bars"].as_array().unwrap();
        assert_eq!(bars.len(), themes.len(), "{q}: {chart}");
        for (bar, theme) in bars.iter().zip(themes) {
            let pct = summary["questions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == q.as_str())
                .and_then(|x| x["themes"].as_array().unwrap().iter().find(|t| t["id"] == theme.as_str()))
                .map(|t| t["of_respondents"]["pct"].as_f64().unwrap())
                .unwrap();
            assert_eq!(bar[0], theme.as_str());
            assert_eq!(bar[1].as_f64().unwrap() > 0.0, pct > 0.0, "{q} {theme}: {bar}");
        }
    }

    // And a screenshot, as a person would see the top of the page.
    let png = dir.join("report.png");
    let screenshot = format!("--screenshot={}", png.display());
    chromium(&dir, "p3", &[&screenshot, "--window-size=1200,1600", "--hide-scrollbars"], &url, &dir.join("s.out"));
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000, "{} bytes", bytes.len());
}
