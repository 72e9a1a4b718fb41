//! A real SMTP server on loopback for the outbox tests: Python's `aiosmtpd`
//! running `tests/fixtures/smtp_server.py`, writing each message it accepts
//! to a folder. It can be told to refuse (550 or 451) or to stall, and it is
//! killed when dropped.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// What the server does with the next message.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    Accept,
    /// `550 5.1.1 mailbox unavailable`: a permanent refusal.
    Refuse550,
    /// `451 4.3.0 try again later`: a temporary one.
    Refuse451,
    /// Waits a minute before answering DATA.
    Stall,
}

/// A running server and the folder its messages land in.
pub struct Smtp {
    child: Child,
    dir: TempDir,
    pub port: u16,
}

/// Whether Python's aiosmtpd can be imported (`.ci/run` installs it).
pub fn available() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Smtp {
    /// Starts a server on a free loopback port and waits until it listens.
    pub fn start() -> Smtp {
        let dir = tempfile::Builder::new()
            .prefix("baton-smtp-")
            .tempdir()
            .unwrap();
        fs::create_dir(dir.path().join("mail")).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/smtp_server.py");
        let port_file = dir.path().join("port");
        let child = Command::new("python3")
            .arg(script)
            .arg(dir.path().join("mail"))
            .arg(&port_file)
            .arg(dir.path().join("mode"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the test SMTP server");
        let started = Instant::now();
        let port = loop {
            if let Ok(text) = fs::read_to_string(&port_file) {
                break text.trim().parse().unwrap();
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the SMTP server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        Smtp { child, dir, port }
    }

    /// What the server does from now on.
    pub fn set(&self, mode: Mode) {
        let word = match mode {
            Mode::Accept => "accept",
            Mode::Refuse550 => "refuse550",
            Mode::Refuse451 => "refuse451",
            Mode::Stall => "stall",
        };
        fs::write(self.dir.path().join("mode"), word).unwrap();
    }

    /// `send = "smtp://127.0.0.1:PORT"` with STARTTLS off, for `[mail]`.
    pub fn config(&self) -> String {
        format!(
            "\n[mail]\nsend = \"smtp://127.0.0.1:{}\"\nstarttls = \"never\"\ntimeout = \"3s\"\n",
            self.port
        )
    }

    /// The messages received so far, oldest first.
    pub fn received(&self) -> Vec<String> {
        self.files("eml")
            .iter()
            .map(|p| fs::read_to_string(p).unwrap())
            .collect()
    }

    /// The envelopes (sender, recipients) received so far.
    pub fn envelopes(&self) -> Vec<String> {
        self.files("envelope")
            .iter()
            .map(|p| fs::read_to_string(p).unwrap())
            .collect()
    }

    fn files(&self, ending: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = fs::read_dir(self.dir.path().join("mail"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == ending))
            .collect();
        files.sort();
        files
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The value of header `name` in a received message (first occurrence,
/// unfolded).
pub fn header(mail: &str, name: &str) -> Option<String> {
    let head = mail.split("\r\n\r\n").next().unwrap_or(mail);
    let head = head.split("\n\n").next().unwrap_or(head);
    let mut lines = head.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case(name)
        {
            let mut value = v.trim().to_string();
            while lines.peek().is_some_and(|l| l.starts_with([' ', '\t'])) {
                value.push(' ');
                value.push_str(lines.next().unwrap().trim());
            }
            return Some(value);
        }
    }
    None
}
