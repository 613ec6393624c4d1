//! Contract tests: configuration, feedback and privileges. The 18 operations tagged `config`,
//! `feedback` or `privileges` (the case form's lists, the customer's regions and sub-users,
//! quotas, the configuration lookup, reports, ticket permissions). For each: the exact request
//! (method, path, query, shared headers, signature verified, body), decoding of the documented
//! response, of a 400 error and of an error under HTTP 200, and refusal before sending when a
//! required input is missing.

use crate::common;

use common::*;
use httpmock::{Method, MockServer};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::{Error, types};

#[tokio::test]
async fn list_area_codes() {
    let server = MockServer::start_async().await;
    let body: types::ListAreaCodesResponse = typed(response_example("ListAreaCodes"));
    assert_eq!(body.area_code_list.len(), 2);
    let mock = server.list_area_codes(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server).list_area_codes().send().await.unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/area-codes"))
        },
        |c| async move { c.list_area_codes().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn a_call_s_own_language_and_site_override_the_client_defaults() {
    let server = MockServer::start_async().await;
    let body: types::ListAreaCodesResponse = typed(response_example("ListAreaCodes"));
    let language = types::Language::from("zh-cn");
    let china = types::Site(0);
    let mock = server.list_area_codes(|when, then| {
        let when = when.x_language(&language).x_site(&china).into_inner();
        exact_query(signed(when), &[])
            // The client's default time zone still goes along, and nothing is sent twice.
            .header("x-time-zone", TIME_ZONE)
            .is_true(|req| {
                ["x-language", "x-site", "x-time-zone"].iter().all(|name| {
                    req.headers_vec()
                        .iter()
                        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                        .count()
                        == 1
                })
            });
        then.ok(&body);
    });
    let got = client(&server)
        .list_area_codes()
        .x_language("zh-cn")
        .x_site(0)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
}

#[tokio::test]
async fn list_case_categories() {
    let server = MockServer::start_async().await;
    let body: types::ListCaseCategoriesResponse = typed(response_example("ListCaseCategories"));
    assert_eq!(body.total_count, Some(1));
    let mock = server.list_case_categories(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server).list_case_categories().send().await.unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/categories"))
        },
        |c| async move { c.list_case_categories().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_extends_params() {
    let server = MockServer::start_async().await;
    let body: types::ListExtendsParamsResponse = typed(response_example("ListExtendsParams"));
    assert_eq!(body.extends_params.len(), 1);
    let mock = server.list_extends_params(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("business_type_id", "9b1a349c 3a2849a3"),
                ("incident_sub_type_id", "1"),
                ("product_category_id", "a51b98a1eb514f7c9c2509c92697ef76"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_extends_params()
        .business_type_id("9b1a349c 3a2849a3")
        .incident_sub_type_id("1")
        .product_category_id("a51b98a1eb514f7c9c2509c92697ef76")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/extends-map"))
        },
        |c| async move {
            c.list_extends_params()
                .business_type_id("b")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_extends_params_sends_only_the_business_type_when_alone() {
    let server = MockServer::start_async().await;
    let body: types::ListExtendsParamsResponse = typed(response_example("ListExtendsParams"));
    let mock = server.list_extends_params(|when, then| {
        let when = when
            .incident_sub_type_id(None)
            .product_category_id(None)
            .into_inner();
        exact_query(v2(when), &[("business_type_id", "b6dc3d3b")]);
        then.ok(&body);
    });
    let got = client(&server)
        .list_extends_params()
        .business_type_id("b6dc3d3b")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
}

#[tokio::test]
async fn list_extends_params_requires_the_business_type() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let result = client(&server)
        .list_extends_params()
        .product_category_id("a51b98a1")
        .send()
        .await
        .map(drop);
    assert_refused(result, "business_type_id");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn list_case_limits() {
    let server = MockServer::start_async().await;
    let body: types::ListCaseLimitsResponse = typed(response_example("ListCaseLimits"));
    assert!(body.config.is_some());
    let mock = server.list_case_limits(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server).list_case_limits().send().await.unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/limits"))
        },
        |c| async move { c.list_case_limits().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_problem_types() {
    let server = MockServer::start_async().await;
    let body: types::ListProblemTypesResponse = typed(response_example("ListProblemTypes"));
    assert_eq!(body.total_count, Some(2));
    let mock = server.list_problem_types(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[("product_category_id", "a51b98a1 eb514f7c")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_problem_types()
        .product_category_id("a51b98a1 eb514f7c")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/problems"))
        },
        |c| async move { c.list_problem_types().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_product_categories() {
    let server = MockServer::start_async().await;
    let body: types::ListProductCategoriesResponse =
        typed(response_example("ListProductCategories"));
    assert_eq!(body.incident_product_category_list.len(), 1);
    let mock = server.list_product_categories(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[("product_category_name", "User account & billing")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_product_categories()
        .product_category_name("User account & billing")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/product-categories"))
        },
        |c| async move { c.list_product_categories().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_regions() {
    let server = MockServer::start_async().await;
    let body: types::ListRegionsResponse = typed(response_example("ListRegions"));
    assert_eq!(body.data_center_list.len(), 1);
    let mock = server.list_regions(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server).list_regions().send().await.unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/regions"))
        },
        |c| async move { c.list_regions().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_satisfaction_dimensions() {
    let server = MockServer::start_async().await;
    let body: types::ListSatisfactionDimensionsResponse =
        typed(response_example("ListSatisfactionDimensions"));
    assert_eq!(body.satisfaction_dimension_list.len(), 2);
    let mock = server.list_satisfaction_dimensions(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server)
        .list_satisfaction_dimensions()
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/satisfaction-dimensions"))
        },
        |c| async move { c.list_satisfaction_dimensions().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_severities() {
    let server = MockServer::start_async().await;
    let body: types::ListSeveritiesResponse = typed(response_example("ListSeverities"));
    assert_eq!(body.show.map(bool::from), Some(true));
    let mock = server.list_severities(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("product_category_id", "a51b98a1 eb514f7c"),
                ("business_type_id", "9b1a349c/3a2849a3"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_severities()
        .product_category_id("a51b98a1 eb514f7c")
        .business_type_id("9b1a349c/3a2849a3")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/severities"))
        },
        |c| async move {
            c.list_severities()
                .product_category_id("p")
                .business_type_id("b")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_severities_requires_both_ids() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let c = client(&server);
    let result = c.list_severities().product_category_id("p").send().await;
    assert_refused(result.map(drop), "business_type_id");
    let result = c.list_severities().business_type_id("b").send().await;
    assert_refused(result.map(drop), "product_category_id");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn list_case_templates() {
    let server = MockServer::start_async().await;
    let body: types::ListCaseTemplatesResponse = typed(response_example("ListCaseTemplates"));
    assert_eq!(body.incident_template_list.len(), 1);
    let mock = server.list_case_templates(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[("business_type_id", "b6dc3d3b f7ef")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_case_templates()
        .business_type_id("b6dc3d3b f7ef")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/config/templates"))
        },
        |c| async move {
            c.list_case_templates()
                .business_type_id("b")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_case_templates_requires_the_business_type() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let result = client(&server).list_case_templates().send().await;
    assert_refused(result.map(drop), "business_type_id");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn show_configuration() {
    let server = MockServer::start_async().await;
    let body: types::ShowConfigurationResponse = typed(response_example("ShowConfiguration"));
    assert_eq!(body.config_value.as_deref(), Some("test1,test2"));
    let mock = server.show_configuration(|when, then| {
        // The key goes on the wire percent-encoded once.
        let when = when
            .into_inner()
            .path("/v2/servicerequest/configurations/case.create-case.diagnose%20list");
        exact_query(bare(when), &[]);
        then.ok(&body);
    });
    let got = client(&server)
        .show_configuration()
        .config_key("case.create-case.diagnose list")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/v2/servicerequest/configurations/case.create-case.diagnose-list"),
            )
        },
        |c| async move {
            c.show_configuration()
                .config_key("case.create-case.diagnose-list")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn show_configuration_requires_the_key() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let result = client(&server).show_configuration().send().await;
    assert_refused(result.map(drop), "config_key");
    // An empty key is refused too (it would address the collection instead).
    let result = client(&server)
        .show_configuration()
        .config_key("")
        .send()
        .await;
    assert_refused(result.map(drop), "config_key");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn list_customers_regions() {
    let server = MockServer::start_async().await;
    let body: types::ListCustomersRegionsResponse = typed(response_example("ListCustomersRegions"));
    assert_eq!(
        (body.count, huaweicloud_osm::lenient::regions_total(&body)),
        (None, Some(2)),
        "the doc example names it total_count"
    );
    let mock = server.list_customers_regions(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server)
        .list_customers_regions()
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/customers/regions"))
        },
        |c| async move { c.list_customers_regions().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_sub_customers() {
    let server = MockServer::start_async().await;
    let body: types::ListSubCustomersResponse = typed(response_example("ListSubCustomers"));
    assert_eq!(body.sub_customer_infos.len(), 1);
    let mock = server.list_sub_customers(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("sub_customer_name", "ops team+1"),
                ("sub_customer_id", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_sub_customers()
        .sub_customer_name("ops team+1")
        .sub_customer_id("0a1b2c3d4e5f60718293a4b5c6d7e8f9")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/customers/sub-customers"))
        },
        |c| async move { c.list_sub_customers().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_case_quotas() {
    let server = MockServer::start_async().await;
    let body: types::ListCaseQuotasResponse = typed(response_example("ListCaseQuotas"));
    assert_eq!((body.total, body.un_used), (Some(10), Some(8)));
    let mock = server.list_case_quotas(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("product_category_id", "a51b98a1 eb51"),
                ("business_type_id", "b6dc3d3b&f7ef"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_case_quotas()
        .product_category_id("a51b98a1 eb51")
        .business_type_id("b6dc3d3b&f7ef")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::GET).path("/v2/servicerequest/quotas")),
        |c| async move {
            c.list_case_quotas()
                .business_type_id("b")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_case_quotas_requires_the_business_type() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let result = client(&server)
        .list_case_quotas()
        .product_category_id("p")
        .send()
        .await;
    assert_refused(result.map(drop), "business_type_id");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn create_feedback() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateFeedback");
    let typed_body: types::CreateFeedbackV2Req = typed(request.clone());
    let sent = serde_json::to_value(&typed_body).unwrap();
    // Everything documented goes on the wire as documented.
    assert_eq!(sent, request);
    let body: types::CreateFeedbackResponse = typed(response_example("CreateFeedback"));
    let mock = server.create_feedback(|when, then| {
        exact_query(bare(when.into_inner()), &[])
            .header("content-type", "application/json")
            .json_body(sent);
        then.ok(&body);
    });
    let got = client(&server)
        .create_feedback()
        .body(typed_body)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| bare(w.method(Method::POST).path("/v2/servicerequest/feedbacks")),
        |c| async move {
            let body = typed::<types::CreateFeedbackV2Req>(request_example("CreateFeedback"));
            c.create_feedback().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_feedback_requires_a_body_with_proof() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let c = client(&server);
    let result = c.create_feedback().send().await;
    assert!(
        matches!(result.map(drop), Err(Error::InvalidRequest(_))),
        "a missing body is refused"
    );
    // An attachment id longer than 32 characters is refused.
    let mut long_id = request_example("CreateFeedback");
    long_id["files"] = serde_json::json!(["x".repeat(33)]);
    let long_id: types::CreateFeedbackV2Req = serde_json::from_value(long_id).unwrap();
    let result = c.create_feedback().body(long_id).send().await;
    assert_refused(result.map(drop), "body.files[0]: 33 characters, at most 32");
    // Leaving `files` or `contacts` out is refused.
    let contacts: types::ContactWayInfoV2 =
        typed(request_example("CreateFeedback")["contacts"].clone());
    let builder = types::CreateFeedbackV2Req::builder()
        .type_("illegal")
        .title("OBS;https://www.example.com/x")
        .content("illegal content");
    let result = c
        .create_feedback()
        .body(builder.clone().contacts(contacts))
        .send()
        .await;
    assert_refused(result.map(drop), "files");
    let result = c
        .create_feedback()
        .body(builder.files(vec!["f1".into()]))
        .send()
        .await;
    assert_refused(result.map(drop), "contacts");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn list_privileges() {
    let server = MockServer::start_async().await;
    let body: types::ListPrivilegesResponse = typed(response_example("ListPrivileges"));
    assert_eq!(body.has_privilege, Some(1));
    let mock = server.list_privileges(|when, then| {
        exact_query(v2(when.into_inner()), &[("privilege", "export all")]);
        then.ok(&body);
    });
    let got = client(&server)
        .list_privileges()
        .privilege("export all")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::GET).path("/v2/servicerequest/privileges")),
        |c| async move {
            c.list_privileges()
                .privilege("export")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_privileges_requires_the_privilege() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let result = client(&server).list_privileges().send().await;
    assert_refused(result.map(drop), "privilege");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn create_privileges() {
    let server = MockServer::start_async().await;
    let request = request_example("CreatePrivileges");
    let typed_body: types::CreateAndDeletePrivilegeReq = typed(request.clone());
    let sent = serde_json::to_value(&typed_body).unwrap();
    assert_eq!(sent, request);
    let body: types::CreatePrivilegesResponse = typed(response_example("CreatePrivileges"));
    let mock = server.create_privileges(|when, then| {
        exact_query(v2(when.into_inner()), &[])
            .header("content-type", "application/json")
            .json_body(sent);
        then.ok(&body);
    });
    let got = client(&server)
        .create_privileges()
        .body(typed_body)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::POST).path("/v2/servicerequest/privileges")),
        |c| async move {
            let body =
                typed::<types::CreateAndDeletePrivilegeReq>(request_example("CreatePrivileges"));
            c.create_privileges().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_privileges_revokes_with_a_builder_body() {
    let server = MockServer::start_async().await;
    let mock = server.create_privileges(|when, then| {
        v2(when.into_inner())
            .json_body(serde_json::json!({"operation": "delete", "privilege": "createCase"}));
        then.ok(&types::CreatePrivilegesResponse::default());
    });
    let body = types::CreateAndDeletePrivilegeReq::builder()
        .operation("delete")
        .privilege("createCase");
    let got = client(&server)
        .create_privileges()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), types::CreatePrivilegesResponse::default());
    mock.assert_async().await;
}

#[tokio::test]
async fn create_privileges_requires_the_operation() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let c = client(&server);
    let result = c.create_privileges().send().await;
    assert_refused(result.map(drop), "operation");
    let body = types::CreateAndDeletePrivilegeReq::builder().privilege("export");
    let result = c.create_privileges().body(body).send().await;
    assert_refused(result.map(drop), "operation");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn show_customer_privilege_policy() {
    let server = MockServer::start_async().await;
    let body: types::ShowCustomerPrivilegePolicyResponse =
        typed(response_example("ShowCustomerPrivilegePolicy"));
    assert_eq!(body.policy_switch, Some(true));
    let mock = server.show_customer_privilege_policy(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server)
        .show_customer_privilege_policy()
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/privileges/privilege-policy"))
        },
        |c| async move { c.show_customer_privilege_policy().send().await.map(drop) },
    )
    .await;
}
