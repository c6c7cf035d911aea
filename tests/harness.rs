//! A tiny harness: a temporary folder to put fixtures in, and the binary to run there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary working folder that is removed when dropped.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    /// A fresh empty folder.
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("a temporary folder") }
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file (creating folders).
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&p, contents).expect("write fixture");
        p
    }

    /// Reads a file as text.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// Runs `codeframe ARGS` in the folder.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(".", args)
    }

    /// Runs `codeframe ARGS` in the folder's subfolder `at`.
    pub fn run_in(&self, at: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_codeframe"))
            .args(args)
            .current_dir(self.join(at))
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("run codeframe")
    }

    /// Runs `codeframe ARGS` in the folder with `input` on its standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_codeframe"))
            .args(args)
            .current_dir(self.path())
            .env_remove("RUST_BACKTRACE")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start codeframe");
        // Written from another thread: a large input would fill the pipe while
        // codeframe's output fills the other one.
        let mut stdin = child.stdin.take().expect("a piped stdin");
        let input = input.to_vec();
        let writer = std::thread::spawn(move || {
            // codeframe may stop reading early (on an error): a broken pipe is fine.
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().expect("run codeframe");
        writer.join().expect("the stdin writer does not panic");
        out
    }

    /// Runs `codeframe ARGS` in the folder with its standard output written to `file`
    /// (`/dev/full`), or, given none, into a pipe closed before it writes (as in
    /// `codeframe ... | true`).
    pub fn run_with_stdout(&self, args: &[&str], file: Option<std::fs::File>) -> Output {
        self.run_with_broken(Stream::Stdout, args, file)
    }

    /// [`Workdir::run_with_stdout`] for standard error (as in `codeframe ... 2>&1
    /// >/dev/null | true`).
    pub fn run_with_stderr(&self, args: &[&str], file: Option<std::fs::File>) -> Output {
        self.run_with_broken(Stream::Stderr, args, file)
    }

    fn run_with_broken(&self, stream: Stream, args: &[&str], file: Option<std::fs::File>) -> Output {
        use std::process::Stdio;
        let broken = file.map_or_else(Stdio::piped, Stdio::from);
        let (stdout, stderr) = match stream {
            Stream::Stdout => (broken, Stdio::piped()),
            Stream::Stderr => (Stdio::piped(), broken),
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_codeframe"))
            .args(args)
            .current_dir(self.path())
            .env_remove("RUST_BACKTRACE")
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("start codeframe");
        // Closing the reading end makes every write to the stream fail (EPIPE).
        match stream {
            Stream::Stdout => drop(child.stdout.take()),
            Stream::Stderr => drop(child.stderr.take()),
        }
        child.wait_with_output().expect("run codeframe")
    }

    /// Runs and asserts success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "codeframe {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs and asserts the exit code, returning stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "codeframe {args:?}: stderr:\n{stderr}");
        assert!(!stderr.contains("panicked"), "panic on {args:?}:\n{stderr}");
        stderr
    }
}

/// The arguments of `codeframe run` on `input` without a survey spec: ids from its
/// `id` column, answers from `text_column`, coded with `lexicon` into `out`, then `extra`.
pub fn ad_hoc<'a>(
    input: &'a str,
    text_column: &'a str,
    lexicon: &'a str,
    out: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "run",
        "--input",
        input,
        "--id-column",
        "id",
        "--text-column",
        text_column,
        "--lexicon",
        lexicon,
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    args
}

/// The bytes of a partial.json holding `part` (edited by a test), sealed as codeframe
/// seals the ones it writes: its own SHA-256 as its last field, of the bytes before it
/// (with the closing brace). A test that edits a part by hand and wants its other
/// checks reached, not the seal's, writes this.
pub fn sealed_partial(part: &serde_json::Value) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut part = part.clone();
    part.as_object_mut().expect("a partial.json is an object").remove("sha256");
    let mut body = serde_json::to_vec(&part).expect("JSON");
    let sha256: String = Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
    body.pop();
    body.extend_from_slice(format!(",\"sha256\":\"{sha256}\"}}").as_bytes());
    body
}

/// The repository root (for the bundled demo files).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A standard stream of the program under test.
enum Stream {
    Stdout,
    Stderr,
}
