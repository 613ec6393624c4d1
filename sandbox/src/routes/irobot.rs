//! iRobot operations answered from the built-in corpus: ask, associate, recommended words, Q&A
//! pair search and details, sessions (ask, evaluate) and the multi-round ask.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use huaweicloud_osm::types;

use super::{AppState, Call, Reply, ok};
use crate::corpus::{self, QaPair};
use crate::errors::{OsmError, OsmResult};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/irobot/qapairs/ask", post(ask))
        .route("/v2/irobot/qapairs/associate", post(associate))
        .route("/v2/irobot/qapairs/search", post(search))
        .route("/v2/irobot/qapairs/{qa_pair_id}", get(detail))
        .route("/v2/irobot/recommend-words", get(recommend_words))
        .route("/v2/irobot/sessions", post(create_session))
        .route("/v2/irobot/sessions/{session_id}/ask", post(ask_in_session))
        .route(
            "/v2/irobot/sessions/{session_id}/{request_id}/evaluate",
            post(evaluate),
        )
        .route("/v2/irobot/ask", post(qa_ask))
}

/// The operations that require `x-service-key` refuse a request without it.
fn service_key(call: &Call) -> OsmResult<()> {
    match call.header("x-service-key") {
        Some(_) => Ok(()),
        None => Err(OsmError::param("the x-service-key header is required")),
    }
}

fn top(value: Option<i32>, max: i32) -> OsmResult<usize> {
    match value {
        None => Ok(5),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(n) => Err(OsmError::param(format!("top must be 1 to {max}, not {n}"))),
    }
}

fn relevance(p: &QaPair) -> Vec<types::RelevanceQapair> {
    p.related
        .iter()
        .filter_map(|id| corpus::pair(id))
        .map(|r| types::RelevanceQapair {
            link: Some(r.link()),
            qa_pair_id: Some(r.id.into()),
            question: Some(r.question.into()),
        })
        .collect()
}

fn answer(p: &QaPair, score: f64) -> types::AnswerQaPair {
    types::AnswerQaPair {
        answer: Some(p.answer.into()),
        domain: Some(p.domain.into()),
        link: Some(p.link()),
        qa_pair_id: Some(p.id.into()),
        question: Some(p.question.into()),
        relevance_details: relevance(p),
        score: Some(score),
        task_complete: Some(true),
    }
}

fn new_uuid(app: &AppState) -> String {
    app.store.lock().expect("store lock").new_uuid()
}

/// `CreateAskQuestion`: the best answers of the corpus.
async fn ask(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    service_key(&call)?;
    let body: types::AskQuestionReq = call.json()?;
    let domains: Vec<String> = body.domains.into_iter().collect();
    let answers = corpus::best(&body.question, &domains, top(body.top, 10)?)
        .into_iter()
        .map(|(p, s)| answer(p, s))
        .collect();
    ok(types::CreateAskQuestionResponse {
        answers,
        question: Some(body.question.to_string()),
        request_id: Some(new_uuid(&app)),
        ..Default::default()
    })
}

/// `ShowAssociatedQuestions`: corpus questions that share words with the input.
async fn associate(call: Call) -> OsmResult<Reply> {
    service_key(&call)?;
    let body: types::QueryAssociatedQuestionReq = call.json()?;
    let domains: Vec<String> = body.domains.into_iter().collect();
    ok(types::ShowAssociatedQuestionsResponse {
        questions: corpus::best(&body.question, &domains, top(body.top, 10)?)
            .into_iter()
            .map(|(p, _)| p.question.to_string())
            .collect(),
        ..Default::default()
    })
}

/// `ShowQaPairs`: `search_type` `HOT` (by hot-word level) or `RECOMMEND` (corpus order).
async fn search(call: Call) -> OsmResult<Reply> {
    service_key(&call)?;
    let kind = call.query.required("search_type")?.to_ascii_uppercase();
    let body: types::SearchQaPairsReq = call.json()?;
    let domain = body.domain.as_deref().filter(|d| !d.is_empty());
    let mut pairs: Vec<&QaPair> = corpus::CORPUS
        .iter()
        .filter(|p| domain.is_none_or(|d| d.eq_ignore_ascii_case(p.domain)))
        .collect();
    match kind.as_str() {
        "HOT" => pairs.sort_by_key(|p| p.hot_word.1),
        "RECOMMEND" => {}
        other => {
            return Err(OsmError::param(format!(
                "search_type `{other}` is not HOT or RECOMMEND"
            )));
        }
    }
    pairs.truncate(top(body.top, 1000)?);
    ok(types::ShowQaPairsResponse {
        qa_pairs: pairs
            .into_iter()
            .map(|p| types::SimpleQaPair {
                domain: Some(p.domain.into()),
                qa_pair_id: Some(p.id.into()),
                question: Some(p.question.into()),
            })
            .collect(),
        ..Default::default()
    })
}

/// `ShowQaPairDetail`.
async fn detail(Path(id): Path<String>, call: Call) -> OsmResult<Reply> {
    service_key(&call)?;
    let p = corpus::pair(&id).ok_or_else(|| OsmError::param(format!("no Q&A pair `{id}`")))?;
    ok(types::ShowQaPairDetailResponse {
        qapair: Some(types::QaPair {
            answers: vec![types::Answer {
                answer_type: Some("TEXT".into()),
                content: Some(p.answer.into()),
                id: Some(format!("a-{}-1", p.id)),
                qa_flow_entry: None,
                tags: vec![p.domain.to_lowercase()],
            }],
            domain: Some(p.domain.into()),
            ex_questions: p
                .ex_questions
                .iter()
                .map(|q| types::ExtendQuestion {
                    content: Some((*q).into()),
                    score: Some(0.9),
                })
                .collect(),
            link: Some(p.link()),
            qa_pair_id: Some(p.id.into()),
            question: Some(p.question.into()),
            related_question_ids: p.related.iter().map(|r| (*r).into()).collect(),
        }),
        ..Default::default()
    })
}

/// `ListRecommendWords`: the hot words, by `recommend_word_id`, `level_value` or `theme_name`.
async fn recommend_words(call: Call) -> OsmResult<Reply> {
    let id = call.query.get("recommend_word_id");
    let level = call.query.int("level_value", 1, 3)?;
    let theme = call.query.get("theme_name");
    let words: Vec<types::RecommendWord> = corpus::CORPUS
        .iter()
        .enumerate()
        .filter(|(_, p)| id.is_none_or(|i| i == format!("word-{}", p.id)))
        .filter(|(_, p)| level.is_none_or(|l| l == i64::from(p.hot_word.1)))
        .filter(|(_, p)| theme.is_none_or(|t| t.eq_ignore_ascii_case(p.domain)))
        .map(|(i, p)| types::RecommendWord {
            answer_info: Some(types::AnswerInfo {
                answer: Some(p.answer.into()),
                link: Some(p.link()),
                qa_pair_id: Some(p.id.into()),
                question: Some(p.question.into()),
                relevance_details: relevance(p),
            }),
            level_value: Some(p.hot_word.1),
            recommend_word_id: Some(format!("word-{}", p.id)),
            recommend_word_name: Some(p.hot_word.0.into()),
            sort_value: Some(i as i32 + 1),
            theme_id: Some(p.domain.to_lowercase()),
            theme_name: Some(p.domain.into()),
        })
        .collect();
    ok(types::ListRecommendWordsResponse {
        total_count: Some(words.len() as i32),
        recommend_words: words,
        ..Default::default()
    })
}

/// `CreateSession`.
async fn create_session(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    service_key(&call)?;
    let mut store = app.store.lock().expect("store lock");
    let id = store.new_uuid();
    store.sessions.insert(id.clone(), Vec::new());
    ok(types::CreateSessionResponse {
        session_id: Some(id),
        ..Default::default()
    })
}

/// `CreateQuestionInSession`: answers from the corpus; the request id can then be evaluated.
async fn ask_in_session(
    State(app): State<AppState>,
    Path(session): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    service_key(&call)?;
    let body: types::SessionAskQuestionReq = call.json()?;
    let domains: Vec<String> = body.domain.into_iter().filter(|d| !d.is_empty()).collect();
    let answers: Vec<_> = corpus::best(&body.question, &domains, top(body.top, 10)?)
        .into_iter()
        .map(|(p, s)| answer(p, s))
        .collect();
    let mut store = app.store.lock().expect("store lock");
    let request_id = store.new_uuid();
    let asked = store
        .sessions
        .get_mut(&session)
        .ok_or_else(|| OsmError::param(format!("no session `{session}`")))?;
    asked.push(request_id.clone());
    ok(types::CreateQuestionInSessionResponse {
        answer_type: Some(if answers.is_empty() { 2 } else { 0 }),
        answers,
        request_id: Some(request_id),
        ..Default::default()
    })
}

/// `CreateEvaluate` of an answer given in a session (`degree` -1 to 1).
async fn evaluate(
    State(app): State<AppState>,
    Path((session, request)): Path<(String, String)>,
    call: Call,
) -> OsmResult<Reply> {
    service_key(&call)?;
    let body: types::EvaluateRequestReq = call.json()?;
    if body.degree.is_some_and(|d| !(-1..=1).contains(&d)) {
        return Err(OsmError::param("degree must be -1 to 1"));
    }
    let store = app.store.lock().expect("store lock");
    let known = store
        .sessions
        .get(&session)
        .is_some_and(|asked| asked.contains(&request));
    if !known {
        return Err(OsmError::param(format!(
            "no answer `{request}` in session `{session}`"
        )));
    }
    ok(types::CreateEvaluateResponse {
        request_id: Some(request),
        ..Default::default()
    })
}

/// `CreateQaAsk`: the multi-round ask, answered by the Q&A bot from the corpus (a chit-chat
/// answer when nothing matches).
async fn qa_ask(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    service_key(&call)?;
    let body: types::QaAskReq = call.json()?;
    let domains: Vec<String> = body
        .themes
        .iter()
        .filter_map(|t| t.theme_name.clone())
        .collect();
    let found = corpus::best(&body.question, &domains, top(body.top, 10)?);
    let session = body.session_id.unwrap_or_else(|| new_uuid(&app));
    let is_en = body.question.is_ascii();
    let qabot: Vec<_> = found
        .iter()
        .map(|(p, s)| types::QabotAnswer {
            answer: Some(p.answer.into()),
            domain: Some(p.domain.into()),
            domain_id: Some(p.domain.to_lowercase()),
            link: Some(p.link()),
            qa_pair_id: Some(p.id.into()),
            question: Some(p.question.into()),
            relevance_details: relevance(p),
            score: Some(*s),
            top_score_question: Some(p.question.into()),
        })
        .collect();
    let chat = qabot
        .is_empty()
        .then(|| "Sorry, I did not understand. You can submit a service ticket.".to_string());
    ok(types::CreateQaAskResponse {
        answers_detail: Some(types::AnswerDetail {
            chat_answer: chat.clone(),
            qabot_answers: qabot,
            ..Default::default()
        }),
        lang_result: Some(types::LangResult {
            is_en: Some(is_en),
            language: Some(if is_en { "en-us" } else { "zh-cn" }.into()),
        }),
        reply_type: Some(if chat.is_some() { "CHAT_BOT" } else { "QA_BOT" }.into()),
        request_id: Some(new_uuid(&app)),
        session_id: Some(session),
        ..Default::default()
    })
}
