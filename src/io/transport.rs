//! Mail transports: handing one whole message to what delivers it, a
//! program that takes it on stdin (`sendmail -t -oi`, msmtp, Exim,
//! OpenSMTPD) or an SMTP server spoken to directly (through `lettre`,
//! STARTTLS as `[mail] starttls` says, AUTH when the URL names a user).
//! The answer is what the server (or the program) said, word for word, so
//! that `baton mail test` and the outbox can show it.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lettre::Transport;
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

use crate::core::config::{Send, SmtpServer, StartTls};

/// What the transport said when it took a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The SMTP reply code (250), none from a program.
    pub code: Option<u16>,
    /// The server's words, or what the program printed.
    pub text: String,
}

/// Why a message was not taken, in the transport's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: Option<u16>,
    pub text: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code {
            Some(c) => write!(f, "{c} {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}

fn refused(text: impl Into<String>) -> Refused {
    Refused {
        code: None,
        text: text.into(),
    }
}

/// One message to hand on: its envelope and its bytes (lines ending in
/// `\n`).
pub struct Message<'a> {
    /// The envelope sender (`[intake] address`); SMTP refuses a message
    /// without one, a program picks its own.
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub mail: &'a str,
}

/// Hands `message` to `send`. `password` is the SMTP password when the URL
/// names a user; `timeout` bounds the whole attempt.
pub fn send(
    send: &Send,
    password: Option<&str>,
    message: &Message,
    timeout: Duration,
) -> Result<Accepted, Refused> {
    match send {
        Send::Command(words) => run(words, message.mail.as_bytes(), timeout).map(|out| Accepted {
            code: None,
            text: out.trim().to_string(),
        }),
        Send::Smtp(server) => smtp(server, password, message, timeout),
    }
}

/// Speaks SMTP to `server` once: connect, TLS as asked, AUTH when a user
/// is named, MAIL, RCPT, DATA, QUIT.
fn smtp(
    server: &SmtpServer,
    password: Option<&str>,
    message: &Message,
    timeout: Duration,
) -> Result<Accepted, Refused> {
    let address = |a: &str| -> Result<Address, Refused> {
        a.parse::<Address>().map_err(|e| {
            refused(format!(
                "'{}' is not a mail address ({e})",
                a.escape_debug()
            ))
        })
    };
    // Mail from the null sender reads as a bounce, and its own bounces
    // would go nowhere: SMTP mail needs the desk's address.
    let Some(from) = message.from else {
        return Err(refused(
            "the message has no sender: set address = \"Support <help@example.com>\" under [intake] in baton.toml",
        ));
    };
    let from = Some(address(from)?);
    let to = address(message.to)?;
    let envelope = Envelope::new(from.clone(), vec![to])
        .map_err(|e| refused(format!("the envelope is not usable ({e})")))?;
    let tls = || {
        TlsParameters::new(server.host.clone())
            .map_err(|e| refused(format!("TLS cannot be set up for {} ({e})", server.host)))
    };
    let tls = if server.implicit_tls {
        Tls::Wrapper(tls()?)
    } else {
        match server.starttls {
            StartTls::Required => Tls::Required(tls()?),
            StartTls::Opportunistic => Tls::Opportunistic(tls()?),
            StartTls::Never => Tls::None,
        }
    };
    // The greeting names the sender's domain, as servers expect a name.
    let hello = from
        .as_ref()
        .map(|a| a.domain().to_string())
        .unwrap_or_else(|| "localhost".into());
    let mut builder = SmtpTransport::builder_dangerous(&server.host)
        .port(server.port)
        .tls(tls)
        .timeout(Some(timeout))
        .hello_name(ClientId::Domain(hello));
    if let Some(user) = &server.user {
        let Some(password) = password else {
            return Err(refused(format!(
                "the server URL names the user {user}, and no password came from password_env or password_command under [mail]"
            )));
        };
        builder = builder.credentials(Credentials::new(user.clone(), password.to_string()));
    }
    let transport = builder.build();
    // SMTP wants CRLF line ends; the outbox keeps plain ones.
    let crlf = message.mail.replace("\r\n", "\n").replace('\n', "\r\n");
    match transport.send_raw(&envelope, crlf.as_bytes()) {
        Ok(response) => Ok(Accepted {
            code: Some(u16::from(response.code())),
            text: response.message().collect::<Vec<_>>().join(" "),
        }),
        Err(e) => Err(Refused {
            code: e.status().map(u16::from),
            text: smtp_error_text(&e),
        }),
    }
}

/// lettre's error in words, with what lies beneath (the refused
/// connection, the certificate) when there is more to say.
fn smtp_error_text(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    // "permanent error (550): 5.1.1 mailbox unavailable": the code is shown
    // apart, the server's own words are what matter.
    if e.status().is_some()
        && let Some((_, said)) = text.split_once("): ")
    {
        return said.to_string();
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

/// Runs a program with `input` on stdin and returns what it printed; a
/// non-zero exit, or one that takes longer than `timeout`, fails with its
/// stderr.
pub fn run(words: &[String], input: &[u8], timeout: Duration) -> Result<String, Refused> {
    let (program, args) = words
        .split_first()
        .ok_or_else(|| refused("the command is empty"))?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| refused(format!("{program} could not be started: {e}")))?;
    let writer = child.stdin.take().map(|mut stdin| {
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })
    });
    let reader = |pipe: Option<Box<dyn Read + std::marker::Send>>| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut out);
            }
            String::from_utf8_lossy(&out).into_owned()
        })
    };
    let stdout = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + std::marker::Send>),
    );
    let stderr = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + std::marker::Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(refused(format!(
                    "{program} did not finish within {} and was stopped",
                    humantime::format_duration(timeout)
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(refused(format!("{program} could not be waited for: {e}"))),
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    if status.success() {
        Ok(out)
    } else {
        let said = err.trim();
        Err(refused(format!(
            "{program} failed ({status}){}",
            if said.is_empty() {
                String::new()
            } else {
                format!(": {said}")
            }
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn a_program_gets_the_message_on_stdin() {
        let out = run(&sh("cat"), b"To: a@b\n\nhi\n", Duration::from_secs(5)).unwrap();
        assert_eq!(out, "To: a@b\n\nhi\n");
    }

    #[test]
    fn a_program_that_fails_says_why_in_its_own_words() {
        let e = run(
            &sh("echo 'no such user' >&2; exit 67"),
            b"",
            Duration::from_secs(5),
        )
        .unwrap_err();
        assert!(
            e.text
                .starts_with("sh failed (exit status: 67): no such user"),
            "{e}"
        );
        let e = run(&sh("sleep 5"), b"", Duration::from_millis(100)).unwrap_err();
        assert!(e.text.contains("did not finish within 100ms"), "{e}");
        let e = run(
            &["/no/such/sendmail".to_string()],
            b"",
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(e.text.contains("could not be started"), "{e}");
    }

    #[test]
    fn an_absent_server_is_a_refusal_not_a_panic() {
        // Port 9 on loopback: nothing listens there on a test machine.
        let server = SmtpServer {
            host: "127.0.0.1".into(),
            port: 9,
            implicit_tls: false,
            starttls: StartTls::Never,
            user: None,
        };
        let m = Message {
            from: Some("help@example.com"),
            to: "jan@example.com",
            mail: "To: jan@example.com\n\nhi\n",
        };
        let e = send(&Send::Smtp(server), None, &m, Duration::from_secs(2)).unwrap_err();
        assert!(!e.text.is_empty());
        let bad = Message {
            to: "not an address",
            ..m
        };
        let e = send(
            &Send::Command(vec!["true".into()]),
            None,
            &bad,
            Duration::from_secs(1),
        );
        assert!(e.is_ok(), "a program picks its own recipients (-t)");
    }
}
