//! The v1.0 "historical" ticket APIs (`/v1.0/servicerequest/case*`, camelCase fields). Uploads,
//! downloads and deletions of attachments are in `attachments.rs`.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use huaweicloud_osm::types;
use huaweicloud_osm::values::CaseStatus;
use serde_json::json;

use super::{AppState, Call, Reply, empty, ok, page};
use crate::catalogue;
use crate::errors::OsmResult;
use crate::store::{self, Case, CaseFilter, NewCase, Store};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1.0/servicerequest/case",
            get(list_cases).post(create_case),
        )
        .route("/v1.0/servicerequest/case/detail", get(show_case))
        .route("/v1.0/servicerequest/case/message", post(create_message))
        .route("/v1.0/servicerequest/case/action", post(update_case))
        .route("/v1.0/servicerequest/case/evaluation", post(evaluate))
        .route("/v1.0/servicerequest/case/subtype", get(sub_types))
        .route(
            "/v1.0/servicerequest/case/businesstype",
            get(business_types),
        )
        .route("/v1.0/servicerequest/case/template", get(templates))
        .route("/v1.0/servicerequest/case/region", get(regions))
}

/// `ListCasesV1`: `searchKey`, `caseId`, `subCustomerName` (fuzzy), `startTime`/`endTime`,
/// `status` (0–4), `pageNo` (from 1), `pageSize` (1–100, default 10).
async fn list_cases(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let q = &call.query;
    let time = |key: &str| -> OsmResult<Option<i64>> {
        q.get(key)
            .map(|v| {
                crate::clock::parse_time_filter(v).ok_or_else(|| {
                    crate::errors::OsmError::param(format!("`{key}` is not a time: `{v}`"))
                })
            })
            .transpose()
    };
    let filter = CaseFilter {
        keywords: q
            .get("searchKey")
            .map(|k| vec![k.to_string()])
            .unwrap_or_default(),
        id_contains: q.get("caseId").map(str::to_owned),
        creator_name_contains: q.get("subCustomerName").map(str::to_owned),
        from_ms: time("startTime")?,
        to_ms: time("endTime")?,
        statuses: q
            .int("status", 0, 4)?
            .map(|s| vec![CaseStatus::new(s as i32)])
            .unwrap_or_default(),
        ..Default::default()
    };
    let page_no = q.int("pageNo", 1, i32::MAX as i64)?.unwrap_or(1) as usize;
    let page_size = q.int("pageSize", 1, 100)?.unwrap_or(10) as usize;
    let store = app.store.lock().expect("store lock");
    let found = store.list(&filter);
    let total = found.len();
    let cases = page(found, (page_no - 1) * page_size, page_size)
        .into_iter()
        .map(|c| types::CaseV1 {
            business_type_name: Some(c.business_type.name.into()),
            case_id: Some(c.id.clone()),
            create_time: Some(crate::clock::iso(c.created_ms)),
            customer_id: Some(app.credentials.domain_id.clone()),
            dc_name: Some(c.dc_name()),
            simple_describe: Some(c.description.clone()),
            status: Some(c.status.value().to_string()),
            sub_customer_id: Some(c.creator.id.clone()),
            sub_customer_name: Some(c.creator.name.clone()),
            type_name: Some(c.type_name().into()),
        })
        .collect();
    ok(types::ListCasesV1Response {
        case_list: cases,
        total_count: Some(total as i32),
    })
}

/// `CreateCaseV1`: the docs document no response body, so the answer is `{}`; the new ticket is
/// found with `ListCasesV1`.
async fn create_case(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let body: types::CreateCaseV1Request = call.json()?;
    let new = NewCase {
        sub_type_id: body.sub_type_id,
        product_id: body.product_category_id,
        business_type_id: body.business_type_id.to_string(),
        region_id: body.region_id,
        description: body.simple_describe.unwrap_or_default(),
        remind_mobile: body.remind_mobile.filter(|s| !s.is_empty()),
        remind_mail: body.remind_mail.filter(|s| !s.is_empty()),
        is_authorized: body.is_authorized.unwrap_or(0),
        accessory_ids: body.accessory_ids,
        ..Default::default()
    };
    if !(0..=1).contains(&new.is_authorized) {
        return Err(crate::errors::OsmError::param(
            "isAuthorized must be 0 or 1",
        ));
    }
    let now = app.clock.now_ms();
    app.store
        .lock()
        .expect("store lock")
        .create_case(new, &call.who, now)?;
    empty()
}

/// `ShowCaseDetailV1`.
async fn show_case(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let id = call.query.required("caseId")?;
    let store = app.store.lock().expect("store lock");
    let case = store.case(id)?;
    ok(types::ShowCaseDetailV1Response {
        case_detail: Some(detail(case, &store, &app.credentials.domain_id)),
    })
}

fn detail(c: &Case, store: &Store, domain_id: &str) -> types::CaseDetailV1 {
    types::CaseDetailV1 {
        business_type_name: Some(c.business_type.name.into()),
        case_id: Some(c.id.clone()),
        create_time: Some(crate::clock::iso(c.created_ms)),
        customer_id: Some(domain_id.to_string()),
        dc_name: Some(c.dc_name()),
        incident_type_name: Some(c.type_name().into()),
        is_authorized: Some(c.is_authorized),
        judgement: Some(c.judgement.clone()),
        message_list: c
            .messages
            .iter()
            .map(|m| types::CaseMessageV1 {
                accessory_detail_list: m
                    .accessories
                    .iter()
                    .filter_map(|id| {
                        let name = store
                            .attachment(id)
                            .map(|a| a.name.clone())
                            .unwrap_or_default();
                        serde_json::from_value(json!({"accessoryId": id, "accessoryName": name}))
                            .ok()
                    })
                    .collect(),
                content: Some(m.content.clone()),
                create_time: Some(crate::clock::iso(m.created_ms)),
                message_id: Some(m.id.clone()),
                replier: Some(m.replier.clone()),
                replier_name: Some(m.replier_name.clone()),
                type_: Some(m.kind),
            })
            .collect(),
        satisfaction: c
            .satisfaction
            .iter()
            .map(|(id, value)| types::SatisfactionV1 {
                satisfaction_id: Some(*id),
                satisfaction_value: Some(*value),
            })
            .collect(),
        simple_describe: Some(c.description.clone()),
        source_name: Some("API".into()),
        status: Some(c.status),
        sub_customer_id: Some(c.creator.id.clone()),
        sub_customer_name: Some(c.creator.name.clone()),
    }
}

/// `CreateMessageV1`.
async fn create_message(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let body: types::CreateMessageV1Request = call.json()?;
    let now = app.clock.now_ms();
    app.store.lock().expect("store lock").add_message(
        &body.case_id,
        body.message.content.to_string(),
        body.message.accessory_ids,
        &call.who,
        now,
    )?;
    empty()
}

/// `UpdateCaseV1`: `cancel`, `close`, `press` (urge) or `delete`.
async fn update_case(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let body: types::UpdateCaseV1Request = call.json()?;
    let action = store::parse_action(&body.action)?;
    let now = app.clock.now_ms();
    app.store.lock().expect("store lock").act(
        &body.case_id,
        action,
        body.action_desc.as_deref(),
        &call.who,
        now,
    )?;
    empty()
}

/// `CreateEvaluationV1`.
async fn evaluate(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let body: types::CreateEvaluationV1Request = call.json()?;
    let ratings = body
        .satisfaction_list
        .iter()
        .map(|s| (s.satisfaction_id, s.satisfaction_value))
        .collect();
    let now = app.clock.now_ms();
    app.store.lock().expect("store lock").evaluate(
        &body.case_id,
        body.judgement,
        ratings,
        &call.who,
        now,
    )?;
    empty()
}

/// `ListSubTypesV1`: product groups with their products.
async fn sub_types(_call: Call) -> OsmResult<Reply> {
    let list: Vec<types::SubTypeV1> = catalogue::SUB_TYPES
        .iter()
        .map(|s| types::SubTypeV1 {
            product_category_list: catalogue::PRODUCTS
                .iter()
                .filter(|p| p.sub_type == s.id)
                .map(|p| types::ProductCategoryV1 {
                    product_category_desc: Some(p.desc.into()),
                    product_category_id: Some(p.id.into()),
                    product_category_name: Some(p.name.into()),
                })
                .collect(),
            sub_type_id: Some(s.id),
            sub_type_name: Some(s.name.into()),
        })
        .collect();
    ok(types::ListSubTypesV1Response {
        total_count: Some(list.len() as i32),
        sub_type_list: list,
    })
}

/// `ListBusinessTypesV1`, optionally of one product.
async fn business_types(call: Call) -> OsmResult<Reply> {
    let product = call.query.get("productCategoryId");
    let list: Vec<types::BusinessTypeV1> = catalogue::BUSINESS_TYPES
        .iter()
        .filter(|b| product.is_none_or(|p| b.product == p))
        .map(|b| types::BusinessTypeV1 {
            business_type_id: Some(b.id.into()),
            business_type_name: Some(b.name.into()),
        })
        .collect();
    ok(types::ListBusinessTypesV1Response {
        total_count: Some(list.len() as i32),
        business_type_list: list,
    })
}

/// `ListTemplatesV1` of a problem type.
async fn templates(call: Call) -> OsmResult<Reply> {
    let business_type = call.query.required("businessTypeId")?;
    let list: Vec<types::TemplateV1> = catalogue::TEMPLATES
        .iter()
        .filter(|t| t.business_type == business_type)
        .map(|t| types::TemplateV1 {
            template_content: Some(t.content.into()),
            template_id: Some(t.id.into()),
            template_name: Some(t.name.into()),
        })
        .collect();
    ok(types::ListTemplatesV1Response {
        total_count: Some(list.len() as i32),
        template_list: list,
    })
}

/// `ListRegionsV1`.
async fn regions(_call: Call) -> OsmResult<Reply> {
    let list: Vec<types::RegionV1> = catalogue::REGIONS
        .iter()
        .map(|r| types::RegionV1 {
            region_id: Some(r.id.into()),
            region_name: Some(r.name.into()),
        })
        .collect();
    ok(types::ListRegionsV1Response {
        total_count: Some(list.len() as i32),
        region_list: list,
    })
}
