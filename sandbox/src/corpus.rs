//! The iRobot's small built-in corpus: question-and-answer pairs about tickets, ECS, billing and
//! accounts, matched to a question by word overlap.

/// A question-and-answer pair.
#[derive(Debug)]
pub struct QaPair {
    /// Id.
    pub id: &'static str,
    /// Theme (domain).
    pub domain: &'static str,
    /// Question.
    pub question: &'static str,
    /// Other phrasings.
    pub ex_questions: &'static [&'static str],
    /// Answer.
    pub answer: &'static str,
    /// Hot word leading to it (`ListRecommendWords`), with its level (1–3).
    pub hot_word: (&'static str, i32),
    /// Related pairs.
    pub related: &'static [&'static str],
}

impl QaPair {
    /// Link to the answer's documentation page.
    pub fn link(&self) -> String {
        format!("https://support.huaweicloud.com/sandbox/qa/{}", self.id)
    }
}

/// The corpus.
pub const CORPUS: &[QaPair] = &[
    QaPair {
        id: "1001",
        domain: "ECS",
        question: "How do I reset the password of an ECS instance?",
        ex_questions: &["I forgot my ECS password", "reset ECS login password"],
        answer: "In the ECS console, choose More > Reset Password for the instance, then restart it.",
        hot_word: ("Reset password", 2),
        related: &["1002"],
    },
    QaPair {
        id: "1002",
        domain: "ECS",
        question: "How do I log in to an ECS instance?",
        ex_questions: &[
            "cannot log in to ECS over SSH",
            "remote login to a Linux ECS",
        ],
        answer: "Use SSH with your key pair or password for Linux, RDP for Windows, or the console's VNC login; make sure the security group allows port 22 or 3389.",
        hot_word: ("Remote login", 2),
        related: &["1001", "1003"],
    },
    QaPair {
        id: "1003",
        domain: "ECS",
        question: "Why is my ECS instance unreachable?",
        ex_questions: &["ECS instance not responding", "ECS network is down"],
        answer: "Check the instance status, its security group and network ACL rules, the EIP binding, and the OS firewall. Submit a fault-report ticket if the instance still cannot be reached.",
        hot_word: ("Instance unreachable", 1),
        related: &["1002"],
    },
    QaPair {
        id: "2001",
        domain: "Ticket",
        question: "How do I submit a service ticket?",
        ex_questions: &["create a ticket", "open a support case"],
        answer: "Choose the problem type, fill in the description from its template, pick the severity and region, attach screenshots or logs if needed, and submit.",
        hot_word: ("Submit a ticket", 1),
        related: &["2002", "2003"],
    },
    QaPair {
        id: "2002",
        domain: "Ticket",
        question: "How do I urge a ticket?",
        ex_questions: &["speed up my ticket", "press a service ticket"],
        answer: "Open the ticket and click Urge (the API action `press`). A ticket can be urged again only after a while.",
        hot_word: ("Urge a ticket", 2),
        related: &["2001"],
    },
    QaPair {
        id: "2003",
        domain: "Ticket",
        question: "How do I close or cancel a ticket?",
        ex_questions: &["withdraw a ticket", "delete a closed ticket"],
        answer: "Use Close when the problem is solved or Cancel to withdraw it; closed and canceled tickets can then be deleted.",
        hot_word: ("Close a ticket", 3),
        related: &["2001"],
    },
    QaPair {
        id: "3001",
        domain: "Billing",
        question: "Why was I charged twice for the same order?",
        ex_questions: &["duplicate charge", "billing question about a refund"],
        answer: "Check the bill details in the Billing Center; duplicate charges are refunded to the original payment method after review.",
        hot_word: ("Duplicate charge", 2),
        related: &["3002"],
    },
    QaPair {
        id: "3002",
        domain: "Billing",
        question: "How do I renew a yearly/monthly resource?",
        ex_questions: &["renewal of an ECS subscription", "enable auto-renewal"],
        answer: "In the Billing Center choose Renewals, select the resource and the period, and pay; or enable auto-renewal.",
        hot_word: ("Renewal", 1),
        related: &["3001"],
    },
    QaPair {
        id: "4001",
        domain: "Account",
        question: "How do I find my account ID and user ID?",
        ex_questions: &["where is my domain id", "my credentials page"],
        answer: "Hover over your user name in the console and choose My Credentials: the account (domain) ID and IAM user ID are listed there.",
        hot_word: ("My credentials", 3),
        related: &[],
    },
];

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "i", "my", "do", "does", "how", "why", "is", "to", "of", "in", "for", "on",
    "and", "or", "can", "what", "it", "me", "be", "with",
];

fn words(text: &str) -> Vec<String> {
    let mut w: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(&w.as_str()))
        .collect();
    w.sort();
    w.dedup();
    w
}

/// How well `question` matches a pair (0.0–1.0): the best word overlap (Dice coefficient) with
/// its question or one of its other phrasings.
pub fn score(question: &str, pair: &QaPair) -> f64 {
    let asked = words(question);
    std::iter::once(pair.question)
        .chain(pair.ex_questions.iter().copied())
        .map(|candidate| {
            let known = words(candidate);
            let common = asked.iter().filter(|w| known.contains(w)).count();
            if asked.is_empty() || known.is_empty() {
                0.0
            } else {
                2.0 * common as f64 / (asked.len() + known.len()) as f64
            }
        })
        .fold(0.0, f64::max)
}

/// The best matches of a question, best first: `(pair, score)` with a score above zero, at most
/// `top`, only of `domains` when some are given (case-insensitive).
pub fn best(question: &str, domains: &[String], top: usize) -> Vec<(&'static QaPair, f64)> {
    let mut scored: Vec<(&'static QaPair, f64)> = CORPUS
        .iter()
        .filter(|p| domains.is_empty() || domains.iter().any(|d| d.eq_ignore_ascii_case(p.domain)))
        .map(|p| (p, (score(question, p) * 100.0).round() / 100.0))
        .filter(|(_, s)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.id.cmp(b.0.id)));
    scored.truncate(top);
    scored
}

/// The pair with this id.
pub fn pair(id: &str) -> Option<&'static QaPair> {
    CORPUS.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_obvious_answer() {
        let best = best("I forgot the password of my ECS", &[], 3);
        assert_eq!(best[0].0.id, "1001");
        assert!(best[0].1 > 0.3, "{}", best[0].1);
        assert!(super::best("quantum chromodynamics", &[], 3).is_empty());
        let billing = super::best("password", &["billing".into()], 3);
        assert!(billing.is_empty());
    }

    #[test]
    fn related_ids_exist() {
        for p in CORPUS {
            for r in p.related {
                assert!(pair(r).is_some(), "{} -> {r}", p.id);
            }
        }
    }
}
