//! The v2 ticket APIs that keep state (`/v2/servicerequest/cases*`, labels, configuration lookups,
//! quotas) over the same store as v1.0.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use bytes::Bytes;
use huaweicloud_osm::types;
use huaweicloud_osm::values::{CaseAction, CaseStatus};

use super::{AppState, Call, Reply, empty, ok, page};
use crate::catalogue;
use crate::errors::{OsmError, OsmResult};
use crate::store::{self, Case, CaseFilter, NewCase, Store};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v2/servicerequest/cases",
            get(list_cases).post(create_case),
        )
        .route("/v2/servicerequest/cases/count", get(case_counts))
        .route("/v2/servicerequest/cases/export", get(export_cases))
        .route("/v2/servicerequest/cases/{case_id}", get(show_case))
        .route(
            "/v2/servicerequest/cases/{case_id}/status",
            get(case_status),
        )
        .route(
            "/v2/servicerequest/cases/{case_id}/action",
            post(update_case),
        )
        .route(
            "/v2/servicerequest/cases/{case_id}/message",
            post(create_message),
        )
        .route(
            "/v2/servicerequest/cases/{case_id}/messages",
            get(list_messages),
        )
        .route(
            "/v2/servicerequest/cases/{case_id}/operate-logs",
            get(operate_logs),
        )
        .route("/v2/servicerequest/cases/{case_id}/score", post(score))
        .route(
            "/v2/servicerequest/cases/{case_id}/contact-info",
            put(contact_info),
        )
        .route(
            "/v2/servicerequest/cases/{case_id}/extends-param",
            get(show_extends).post(set_extends),
        )
        .route(
            "/v2/servicerequest/cases/{case_id}/labels",
            get(case_labels)
                .post(add_case_labels)
                .delete(remove_case_labels),
        )
        .route(
            "/v2/servicerequest/cases/{case_id}/relations",
            get(relations).post(relate).delete(unrelate),
        )
        .route(
            "/v2/servicerequest/labels",
            get(list_labels).post(create_label),
        )
        .route(
            "/v2/servicerequest/labels/{label_id}",
            put(update_label).delete(delete_label),
        )
        .route("/v2/servicerequest/quotas", get(quotas))
        .route("/v2/servicerequest/config/categories", get(categories))
        .route(
            "/v2/servicerequest/config/product-categories",
            get(product_categories),
        )
        .route("/v2/servicerequest/config/problems", get(problem_types))
        .route("/v2/servicerequest/config/severities", get(severities))
        .route("/v2/servicerequest/config/templates", get(templates))
        .route("/v2/servicerequest/config/regions", get(regions))
        .route(
            "/v2/servicerequest/config/satisfaction-dimensions",
            get(satisfaction_dimensions),
        )
        .route("/v2/servicerequest/config/area-codes", get(area_codes))
}

/// `offset` (0–65535) and `limit` (0–100; 0 or absent means 10).
fn paging(call: &Call) -> OsmResult<(usize, usize)> {
    let offset = call.query.int("offset", 0, 65535)?.unwrap_or(0) as usize;
    let limit = match call.query.int("limit", 0, 100)? {
        None | Some(0) => 10,
        Some(n) => n as usize,
    };
    Ok((offset, limit))
}

fn time(call: &Call, key: &str) -> OsmResult<Option<i64>> {
    call.query
        .get(key)
        .map(|v| {
            crate::clock::parse_time_filter(v)
                .ok_or_else(|| OsmError::param(format!("`{key}` is not a time: `{v}`")))
        })
        .transpose()
}

fn filter(call: &Call) -> OsmResult<CaseFilter> {
    let q = &call.query;
    let mut statuses: Vec<CaseStatus> = q
        .int("status", 0, 20)?
        .map(|s| vec![CaseStatus::new(s as i32)])
        .unwrap_or_default();
    statuses.extend(
        q.int_list("incident_status")?
            .into_iter()
            .map(CaseStatus::new),
    );
    Ok(CaseFilter {
        keywords: q.list("search_key"),
        app_key: q.get("app_key").map(str::to_owned),
        id: q.get("incident_id").map(str::to_owned),
        creator_id: q.get("x_customer_id").map(str::to_owned),
        creator_name: q.get("x_customer_name").map(str::to_owned),
        from_ms: time(call, "query_start_time")?,
        to_ms: time(call, "query_end_time")?,
        statuses,
        labels: q.int_list("label_id_list")?,
        ..Default::default()
    })
}

fn info(c: &Case, store: &Store, domain_id: &str) -> types::IncidentInfoV2 {
    let product = catalogue::product(c.product_id.as_deref().unwrap_or(c.business_type.product));
    types::IncidentInfoV2 {
        business_type_name: Some(c.business_type.name.into()),
        confirmed_time: c.finished_ms.map(crate::clock::iso),
        create_time: Some(crate::clock::iso(c.created_ms)),
        customer_id: Some(domain_id.to_string()),
        dc_name: Some(c.dc_name()),
        incident_id: Some(c.id.clone()),
        incident_service_type: Some("Basic support".into()),
        incident_type_name: Some(c.type_name().into()),
        label_list: store
            .labels()
            .iter()
            .filter(|l| c.labels.contains(&l.id))
            .map(|l| types::LabelInfo {
                color: Some(l.color.clone()),
                label_id: Some(l.id),
                name: Some(l.name.clone()),
            })
            .collect(),
        product_category_name: product.map(|p| p.name.to_string()),
        resolution: None,
        root_cause: None,
        simple_description: Some(c.description.clone()),
        status: Some(c.status),
        xcustomer_id: Some(c.creator.id.clone()),
        xcustomer_name: Some(c.creator.name.clone()),
    }
}

/// `ListCases`: filters `search_key` (any keyword), `label_id_list` (any label), `app_key`,
/// `incident_id`, `query_start_time`/`query_end_time`, `status`, `incident_status`,
/// `x_customer_id`, `x_customer_name`; paging `offset`/`limit`; newest first.
async fn list_cases(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let filter = filter(&call)?;
    let (offset, limit) = paging(&call)?;
    let store = app.store.lock().expect("store lock");
    let found = store.list(&filter);
    let total = found.len();
    let list = page(found, offset, limit)
        .into_iter()
        .map(|c| info(c, &store, &app.credentials.domain_id))
        .collect();
    ok(types::ListCasesResponse {
        incident_info_list: list,
        total_count: Some(total as i32),
    })
}

/// `CreateCases`: returns the new ticket's `incident_id`.
async fn create_case(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let body: types::CreateOrderIncidentV2Req = call.json()?;
    let new = NewCase {
        sub_type_id: body.incident_sub_type_id,
        product_id: body.product_category_id,
        business_type_id: body.business_type_id.to_string(),
        region_id: body.region_id,
        description: body.simple_description.to_string(),
        severity_id: body.severity_id,
        remind_mobile: body.remind_mobile,
        remind_mail: body.remind_mail,
        remind_time: body.remind_time,
        area_code: body.area_code,
        accessory_ids: body.accessory_ids,
        region_required_for_faults: true,
        ..Default::default()
    };
    let now = app.clock.now_ms();
    let id = app
        .store
        .lock()
        .expect("store lock")
        .create_case(new, &call.who, now)?;
    ok(types::CreateCasesResponse {
        incident_id: Some(id),
    })
}

/// `ShowCaseDetail`.
async fn show_case(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    _call: Call,
) -> OsmResult<Reply> {
    let store = app.store.lock().expect("store lock");
    let c = store.case(&case_id)?;
    let detail = types::IncidentDetailInfoV2 {
        business_ownership: Some(0),
        business_type_name: Some(c.business_type.name.into()),
        create_time: Some(crate::clock::iso(c.created_ms)),
        customer_id: Some(app.credentials.domain_id.clone()),
        dc_name: Some(c.dc_name()),
        ext_info: Some(types::IncidentDetailExtInfoV2 {
            area_code: c.area_code.clone(),
            remind_mail: c.remind_mail.clone(),
            remind_mobile: c.remind_mobile.clone(),
            remind_time: c.remind_time.clone(),
            ..Default::default()
        }),
        incident_id: Some(c.id.clone()),
        incident_satisfaction: c.satisfaction.iter().map(|r| satisfaction(*r)).collect(),
        incident_type_name: Some(c.type_name().into()),
        judgement: Some(c.judgement.clone()),
        message_list: c
            .messages
            .iter()
            .map(|m| types::IncidentMessageV2 {
                accessory_list: accessories(&store, &m.accessories),
                content: Some(m.content.clone()),
                create_time: Some(crate::clock::iso(m.created_ms)),
                is_first_message: Some(i32::from(m.first)),
                message_id: Some(m.id.clone()),
                replier: Some(m.replier.clone()),
                replier_name: Some(m.replier_name.clone()),
                type_: Some(m.kind),
            })
            .collect(),
        resolve_time: c.finished_ms,
        severity_name: c.severity.map(|s| s.name.to_string()),
        simple_description: Some(c.description.clone()),
        source_name: Some("API".into()),
        status: Some(c.status),
        xcustomer_id: Some(c.creator.id.clone()),
        xcustomer_name: Some(c.creator.name.clone()),
    };
    ok(types::ShowCaseDetailResponse {
        incident_detail_info: Some(detail),
    })
}

fn satisfaction((id, value): (i32, i32)) -> types::IncidentSatisfactionInfoV2 {
    let dim = catalogue::satisfaction(id);
    types::IncidentSatisfactionInfoV2 {
        per_value: Some(1),
        sat_category_id: Some(id.to_string()),
        sat_category_name: dim.map(|d| d.name.to_string()),
        satisfaction_id: Some(id),
        satisfaction_name: dim.map(|d| d.name.to_string()),
        satisfaction_value: Some(value),
        value: Some(value),
    }
}

fn accessories(store: &Store, ids: &[String]) -> Vec<types::SimpleAccessoryV2> {
    ids.iter()
        .map(|id| types::SimpleAccessoryV2 {
            accessory_id: Some(id.clone()),
            file_actual_name: store.attachment(id).ok().map(|a| a.name.clone()),
        })
        .collect()
}

/// `ShowCaseStatus`.
async fn case_status(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    _call: Call,
) -> OsmResult<Reply> {
    let store = app.store.lock().expect("store lock");
    ok(types::ShowCaseStatusResponse {
        status: Some(store.case(&case_id)?.status),
    })
}

/// `ListCaseCounts`, optionally of one status.
async fn case_counts(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let only = call.query.int("status", 0, 20)?;
    let store = app.store.lock().expect("store lock");
    ok(types::ListCaseCountsResponse {
        incident_status_counts: store
            .status_counts()
            .into_iter()
            .filter(|(s, _)| only.is_none_or(|o| o == i64::from(s.value())))
            .map(|(status, count)| types::IncidentStatusCount {
                count: Some(count),
                status: Some(status),
            })
            .collect(),
    })
}

/// `DownloadCases`: the matching tickets as CSV (`language` and `timezone` are required).
async fn export_cases(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    call.query.required("language")?;
    call.query.required("timezone")?;
    let mut filter = filter(&call)?;
    filter.keywords = call
        .query
        .get("search_key")
        .map(|k| vec![k.into()])
        .unwrap_or_default();
    let (offset, limit) = paging(&call)?;
    let store = app.store.lock().expect("store lock");
    let mut csv = String::from(
        "incident_id,status,business_type_name,dc_name,create_time,simple_description\n",
    );
    for c in page(store.list(&filter), offset, limit.max(100)) {
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            c.id,
            c.status,
            quote(c.business_type.name),
            quote(&c.dc_name()),
            crate::clock::iso(c.created_ms),
            quote(&c.description)
        ));
    }
    Ok(Reply::File {
        name: "cases.csv".into(),
        data: Bytes::from(csv),
    })
}

/// `UpdateCases`: `action_id` = `cancel`, `close`, `press` or `delete`; closing may carry an
/// evaluation.
async fn update_case(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let action = store::parse_action(call.query.required("action_id")?)?;
    let body: types::WorkOrderOperateV2Req = if call.body.is_empty() {
        Default::default()
    } else {
        call.json()?
    };
    let now = app.clock.now_ms();
    let mut store = app.store.lock().expect("store lock");
    store.act(
        &case_id,
        action,
        body.operate_desc.as_deref(),
        &call.who,
        now,
    )?;
    if action == CaseAction::Close && !body.incident_satisfaction_list.is_empty() {
        let ratings = body
            .incident_satisfaction_list
            .iter()
            .map(|s| (s.satisfaction_id, s.satisfaction_value))
            .collect();
        store.evaluate(&case_id, body.judgement, ratings, &call.who, now)?;
    }
    empty()
}

/// `CreateMessages`.
async fn create_message(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let body: types::CreateMessageV2Req = call.json()?;
    let now = app.clock.now_ms();
    app.store.lock().expect("store lock").add_message(
        &case_id,
        body.message.content.to_string(),
        body.message.accessory_ids.into_iter().collect(),
        &call.who,
        now,
    )?;
    empty()
}

/// `ListMessages`, oldest first, paged.
async fn list_messages(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let (offset, limit) = paging(&call)?;
    let store = app.store.lock().expect("store lock");
    let c = store.case(&case_id)?;
    let list = page(c.messages.iter().collect(), offset, limit)
        .into_iter()
        .map(|m| types::QueryMessageInfoV2 {
            accessory_list: accessories(&store, &m.accessories),
            content: Some(m.content.clone()),
            create_time: Some(crate::clock::iso(m.created_ms)),
            iam_user_type: Some(if m.kind == 0 { 1 } else { 0 }),
            is_first_message: Some(i32::from(m.first)),
            replier: Some(m.replier.clone()),
            replier_name: Some(m.replier_name.clone()),
            replier_type: Some(m.kind),
            type_: Some(m.kind),
        })
        .collect();
    ok(types::ListMessagesResponse {
        count: Some(c.messages.len() as i32),
        message_list: list,
    })
}

/// `ListCaseOperateLogs`, oldest first, paged.
async fn operate_logs(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let (offset, limit) = paging(&call)?;
    let store = app.store.lock().expect("store lock");
    let c = store.case(&case_id)?;
    let list = page(c.logs.iter().collect(), offset, limit)
        .into_iter()
        .map(|l| types::IncidentOperateLogV2 {
            incident_id: Some(c.id.clone()),
            incident_log_id: Some(l.id.clone()),
            operate_desc: Some(l.desc.clone()),
            operate_time: Some(crate::clock::iso(l.ms).replace('T', " ").replace('Z', "")),
            operate_type: Some(l.kind),
            operator_id: Some(l.operator.id.clone()),
            operator_name: Some(l.operator.name.clone()),
            operator_type: Some(l.operator_type),
            timestamp_operate_time: Some(crate::clock::iso(l.ms)),
        })
        .collect();
    ok(types::ListCaseOperateLogsResponse {
        incident_operate_log_list: list,
        total_count: Some(c.logs.len() as i32),
    })
}

/// `CreateScores`.
async fn score(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let body: types::CreateScoreV2Req = call.json()?;
    let ratings = body
        .incident_satisfaction_list
        .iter()
        .map(|s| (s.satisfaction_id, s.satisfaction_value))
        .collect();
    let now = app.clock.now_ms();
    app.store.lock().expect("store lock").evaluate(
        &case_id,
        Some(body.judgement.to_string()),
        ratings,
        &call.who,
        now,
    )?;
    empty()
}

/// `UpdateCaseContactInfo`.
async fn contact_info(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let body: types::UpdateCaseContactInfoReq = call.json()?;
    let mut store = app.store.lock().expect("store lock");
    store.update_contact(
        &case_id,
        body.area_code,
        body.remind_mobile,
        body.remind_mail,
        body.remind_time,
    )?;
    empty()
}

/// `ShowCaseExtendsParam` (the documented answer has no data).
async fn show_extends(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    _call: Call,
) -> OsmResult<Reply> {
    app.store.lock().expect("store lock").case(&case_id)?;
    empty()
}

/// `CreateCaseExtendsParam`.
async fn set_extends(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let body: types::PutCaseExtParamReq = call.json()?;
    app.store
        .lock()
        .expect("store lock")
        .set_extends_params(&case_id, body.extends_map)?;
    empty()
}

fn label_info(l: &crate::store::Label) -> types::CaseLabelInfo {
    types::CaseLabelInfo {
        color: Some(l.color.clone()),
        label_id: Some(l.id),
        name: Some(l.name.clone()),
    }
}

/// `ListCaseLabels`.
async fn case_labels(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    _call: Call,
) -> OsmResult<Reply> {
    let store = app.store.lock().expect("store lock");
    let c = store.case(&case_id)?;
    ok(types::ListCaseLabelsResponse {
        case_label_list: store
            .labels()
            .iter()
            .filter(|l| c.labels.contains(&l.id))
            .map(label_info)
            .collect(),
    })
}

fn label_ids(call: &Call) -> OsmResult<Vec<i32>> {
    let ids = call.query.int_list("label_ids")?;
    if ids.is_empty() || ids.len() > 5 {
        return Err(OsmError::param("`label_ids` must hold 1 to 5 ids"));
    }
    Ok(ids)
}

/// `CreateCaseLabels` (`label_ids` in the query, repeated or comma-joined).
async fn add_case_labels(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let ids = label_ids(&call)?;
    app.store
        .lock()
        .expect("store lock")
        .add_case_labels(&case_id, &ids)?;
    empty()
}

/// `DeleteCaseLabels`.
async fn remove_case_labels(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let ids = label_ids(&call)?;
    app.store
        .lock()
        .expect("store lock")
        .remove_case_labels(&case_id, &ids)?;
    empty()
}

/// `ListRelation`.
async fn relations(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    _call: Call,
) -> OsmResult<Reply> {
    let store = app.store.lock().expect("store lock");
    let c = store.case(&case_id)?;
    ok(types::ListRelationResponse {
        case_relation_list: c
            .relations
            .iter()
            .filter_map(|r| store.case(r).ok())
            .map(|r| types::CaseRealtionInfo {
                case_id: Some(r.id.clone()),
                simple_description: Some(r.description.clone()),
                user_name: Some(r.creator.name.clone()),
            })
            .collect(),
    })
}

/// `CreateRelations` (at most 3 related tickets).
async fn relate(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let body: types::CreateRelationsReq = call.json()?;
    let ids: Vec<String> = body.related_id_list.into_iter().collect();
    if ids.is_empty() {
        return Err(OsmError::param("`related_id_list` is empty"));
    }
    app.store
        .lock()
        .expect("store lock")
        .relate(&case_id, &ids)?;
    empty()
}

/// `DeleteRelation` (a DELETE with a JSON body).
async fn unrelate(
    State(app): State<AppState>,
    Path(case_id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let body: types::DeleteRelationsReq = call.json()?;
    app.store
        .lock()
        .expect("store lock")
        .unrelate(&case_id, &body.related_id)?;
    empty()
}

/// `ListLabels`: `name` (fuzzy), `label_id`, paged.
async fn list_labels(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let (offset, limit) = paging(&call)?;
    let name = call.query.get("name").map(str::to_lowercase);
    let id = call.query.int("label_id", 0, i32::MAX as i64)?;
    let store = app.store.lock().expect("store lock");
    let found: Vec<_> = store
        .labels()
        .iter()
        .filter(|l| {
            name.as_deref()
                .is_none_or(|n| l.name.to_lowercase().contains(n))
        })
        .filter(|l| id.is_none_or(|i| i64::from(l.id) == i))
        .collect();
    let total = found.len();
    ok(types::ListLabelsResponse {
        label_list: page(found, offset, limit)
            .into_iter()
            .map(label_info)
            .collect(),
        total_count: Some(total as i32),
    })
}

/// `CreateLabels` (names are unique; find the new id with `ListLabels`).
async fn create_label(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let body: types::CreateLabelsReq = call.json()?;
    app.store
        .lock()
        .expect("store lock")
        .create_label(&body.name, &body.color)?;
    empty()
}

fn label_id(raw: &str) -> OsmResult<i32> {
    raw.parse()
        .map_err(|_| OsmError::param(format!("`{raw}` is not a label id")))
}

/// `UpdateLabels`.
async fn update_label(
    State(app): State<AppState>,
    Path(id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let id = label_id(&id)?;
    let body: types::UpdateLabelsReq = call.json()?;
    app.store
        .lock()
        .expect("store lock")
        .update_label(id, &body.name, &body.color)?;
    empty()
}

/// `DeleteLabels` (also detaches the label from every ticket).
async fn delete_label(
    State(app): State<AppState>,
    Path(id): Path<String>,
    _call: Call,
) -> OsmResult<Reply> {
    let id = label_id(&id)?;
    app.store.lock().expect("store lock").delete_label(id)?;
    empty()
}

/// Tickets one may have open at once.
const CASE_QUOTA: i32 = 50;

/// `ListCaseQuotas`: the quota left is the quota minus the open tickets.
async fn quotas(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let business_type = call.query.required("business_type_id")?;
    if catalogue::business_type(business_type).is_none() {
        return Err(OsmError::business_type_failed());
    }
    let open = app.store.lock().expect("store lock").open_cases() as i32;
    ok(types::ListCaseQuotasResponse {
        total: Some(CASE_QUOTA),
        un_used: Some((CASE_QUOTA - open).max(0)),
    })
}

fn product_v2(p: &catalogue::Product) -> types::IncidentProductCategoryV2 {
    types::IncidentProductCategoryV2 {
        can_use_support_plan: Some(p.can_use_support_plan),
        incident_product_category_acronym: Some(p.acronym.into()),
        incident_product_category_desc: Some(p.desc.into()),
        incident_product_category_id: Some(p.id.into()),
        incident_product_category_name: Some(p.name.into()),
    }
}

/// `ListCaseCategories`: product groups with their products.
async fn categories(_call: Call) -> OsmResult<Reply> {
    let list: Vec<_> = catalogue::SUB_TYPES
        .iter()
        .map(|s| types::IncidentSubTypeV2Do {
            incident_product_category_list: catalogue::PRODUCTS
                .iter()
                .filter(|p| p.sub_type == s.id)
                .map(product_v2)
                .collect(),
            incident_sub_type_id: Some(s.id.to_string()),
            incident_sub_type_name: Some(s.name.into()),
        })
        .collect();
    ok(types::ListCaseCategoriesResponse {
        total_count: Some(list.len() as i32),
        incident_sub_type_list: list,
    })
}

/// `ListProductCategories`, optionally by (part of) a name.
async fn product_categories(call: Call) -> OsmResult<Reply> {
    let name = call
        .query
        .get("product_category_name")
        .map(str::to_lowercase);
    let list: Vec<_> = catalogue::PRODUCTS
        .iter()
        .filter(|p| {
            name.as_deref()
                .is_none_or(|n| p.name.to_lowercase().contains(n))
        })
        .map(product_v2)
        .collect();
    ok(types::ListProductCategoriesResponse {
        total_count: Some(list.len() as i32),
        incident_product_category_list: list,
    })
}

/// `ListProblemTypes`, optionally of one product.
async fn problem_types(call: Call) -> OsmResult<Reply> {
    let product = call.query.get("product_category_id");
    let list: Vec<_> = catalogue::BUSINESS_TYPES
        .iter()
        .filter(|b| product.is_none_or(|p| b.product == p))
        .map(|b| types::SimpleIncidentBusinessTypeV2 {
            business_type_id: Some(b.id.into()),
            business_type_name: Some(b.name.into()),
            can_use_support_plan: Some(b.can_use_support_plan),
            case_type: Some(b.case_type.into()),
        })
        .collect();
    ok(types::ListProblemTypesResponse {
        total_count: Some(list.len() as i32),
        incident_business_type_list: list,
    })
}

/// `ListSeverities` of a product and problem type (both required and known).
async fn severities(call: Call) -> OsmResult<Reply> {
    let product = call.query.required("product_category_id")?;
    let business_type = call.query.required("business_type_id")?;
    if catalogue::product(product).is_none() {
        return Err(OsmError::param(format!(
            "unknown product category `{product}`"
        )));
    }
    if catalogue::business_type(business_type).is_none() {
        return Err(OsmError::business_type_failed());
    }
    let language = call.header("x-language").unwrap_or("zh-cn").to_string();
    ok(types::ListSeveritiesResponse {
        severity_list: catalogue::SEVERITIES
            .iter()
            .map(|s| types::SeverityV2Do {
                language: Some(language.clone()),
                severity_id: Some(s.id.into()),
                severity_name: Some(s.name.into()),
            })
            .collect(),
        show: Some(true.into()),
    })
}

/// `ListCaseTemplates` of a problem type.
async fn templates(call: Call) -> OsmResult<Reply> {
    let business_type = call.query.required("business_type_id")?;
    let list: Vec<_> = catalogue::TEMPLATES
        .iter()
        .filter(|t| t.business_type == business_type)
        .map(|t| types::IncidentTempV2 {
            incident_template_content: Some(t.content.into()),
            incident_template_id: Some(t.id.into()),
            incident_template_name: Some(t.name.into()),
        })
        .collect();
    ok(types::ListCaseTemplatesResponse {
        total_count: Some(list.len() as i32),
        incident_template_list: list,
    })
}

/// `ListRegions`.
async fn regions(_call: Call) -> OsmResult<Reply> {
    let list: Vec<_> = catalogue::REGIONS
        .iter()
        .map(|r| types::DataCenterV2Do {
            is_sensitive: Some(0),
            region_id: Some(r.id.into()),
            region_name: Some(r.name.into()),
            type_: Some(r.kind),
        })
        .collect();
    ok(types::ListRegionsResponse {
        total_count: Some(list.len() as i32),
        data_center_list: list,
    })
}

/// `ListSatisfactionDimensions`.
async fn satisfaction_dimensions(_call: Call) -> OsmResult<Reply> {
    let list: Vec<_> = catalogue::SATISFACTION
        .iter()
        .map(|s| types::SatisfactionDimensionSimpleInfoV2 {
            per_value: Some(1),
            sat_category_id: Some(s.id.to_string()),
            satisfaction_desc: Some(s.desc.into()),
            satisfaction_id: Some(s.id),
            satisfaction_name: Some(s.name.into()),
            value: Some(5),
        })
        .collect();
    ok(types::ListSatisfactionDimensionsResponse {
        total_count: Some(list.len() as i32),
        satisfaction_dimension_list: list,
    })
}

/// `ListAreaCodes`.
async fn area_codes(_call: Call) -> OsmResult<Reply> {
    ok(types::ListAreaCodesResponse {
        area_code_list: catalogue::AREA_CODES
            .iter()
            .map(|a| types::AreaCodeSimpleInfoV2 {
                area_code: Some(a.code.into()),
                area_name: Some(a.name.into()),
                id: Some(a.id),
            })
            .collect(),
    })
}
