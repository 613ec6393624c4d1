//! The built-in catalogue every ticket is filed against: product groups, products, problem types,
//! templates, severities, regions, satisfaction dimensions and country codes.
//!
//! Ids used by the spec's examples are part of it (e.g. the `CreateCaseV1` request example's
//! product `69af625c…` and problem type `5efc9f47…`), so the documented examples work as they are.

/// A product group (v1.0 "sub type", v2 "incident sub type").
#[derive(Debug)]
pub struct SubType {
    /// Numeric id (v1.0 `subTypeId`; v2 sends it as a string).
    pub id: i32,
    /// Name.
    pub name: &'static str,
}

/// A product (v1.0 "product category", v2 "incident product category").
#[derive(Debug)]
pub struct Product {
    /// Id.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Description.
    pub desc: &'static str,
    /// Abbreviation.
    pub acronym: &'static str,
    /// The product group it belongs to.
    pub sub_type: i32,
    /// Whether support-plan benefits apply.
    pub can_use_support_plan: bool,
}

/// A problem type (v1.0 "business type").
#[derive(Debug)]
pub struct BusinessType {
    /// Id.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// The product it belongs to.
    pub product: &'static str,
    /// `"0"` consultation, `"5"` fault report (needs a region).
    pub case_type: &'static str,
    /// Whether support-plan benefits apply.
    pub can_use_support_plan: bool,
}

/// A description template of a problem type.
#[derive(Debug)]
pub struct Template {
    /// Id.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Content.
    pub content: &'static str,
    /// The problem type it belongs to.
    pub business_type: &'static str,
}

/// A severity.
#[derive(Debug)]
pub struct Severity {
    /// Id.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
}

/// A cloud region.
#[derive(Debug)]
pub struct Region {
    /// Id, e.g. `cn-north-1`.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// 0 Chinese mainland, 1 international.
    pub kind: i32,
}

/// A satisfaction dimension of evaluations.
#[derive(Debug)]
pub struct Satisfaction {
    /// Id (1 timeliness, 2 attitude, 3 handling result).
    pub id: i32,
    /// Name.
    pub name: &'static str,
    /// Description.
    pub desc: &'static str,
}

/// A country/region calling code.
#[derive(Debug)]
pub struct AreaCode {
    /// Id.
    pub id: i32,
    /// Code, e.g. `86`.
    pub code: &'static str,
    /// Country or region.
    pub name: &'static str,
}

/// The ticket source id every ticket is created with.
pub const SOURCE_ID: &str = "83aeb0f2834c4df49826c781d32a963e";

/// Product groups.
pub const SUB_TYPES: &[SubType] = &[
    SubType {
        id: 0,
        name: "Compute",
    },
    SubType {
        id: 1,
        name: "Account and billing",
    },
];

/// Products.
pub const PRODUCTS: &[Product] = &[
    Product {
        id: "a51b98a1eb514f7c9c2509c92697ef76",
        name: "Elastic Cloud Server",
        desc: "Problems related to ECS instances, images and disks",
        acronym: "ECS",
        sub_type: 0,
        can_use_support_plan: true,
    },
    Product {
        id: "69af625c1be54800b58ac4bae4870c90",
        name: "Elastic Volume Service",
        desc: "Problems related to EVS disks, snapshots and backups",
        acronym: "EVS",
        sub_type: 0,
        can_use_support_plan: true,
    },
    Product {
        id: "f3b1735f70e542019510458583d9b55e",
        name: "User account",
        desc: "Problems related to account registration, account information query, account modification, and account cancellation",
        acronym: "Account",
        sub_type: 1,
        can_use_support_plan: false,
    },
    Product {
        id: "0c4e8a2b6d1f4e3a9b7c5d2e1f0a3b4c",
        name: "Billing Center",
        desc: "Problems related to bills, payments, renewals and refunds",
        acronym: "Billing",
        sub_type: 1,
        can_use_support_plan: false,
    },
];

/// Problem types.
pub const BUSINESS_TYPES: &[BusinessType] = &[
    BusinessType {
        id: "b6dc3d3bf7ef434fa3f23d79cfc41449",
        name: "Quota adjustment application",
        product: "a51b98a1eb514f7c9c2509c92697ef76",
        case_type: "0",
        can_use_support_plan: false,
    },
    BusinessType {
        id: "9b1a349c3a2849a391d58c10f9dc55a1",
        name: "Instance unavailable",
        product: "a51b98a1eb514f7c9c2509c92697ef76",
        case_type: "5",
        can_use_support_plan: true,
    },
    BusinessType {
        id: "3f9d2c1b0a8e4f7d6c5b4a3928171605",
        name: "Remote login failure",
        product: "a51b98a1eb514f7c9c2509c92697ef76",
        case_type: "5",
        can_use_support_plan: true,
    },
    BusinessType {
        id: "5efc9f47ace944bfafd054161409f15b",
        name: "Disk attachment failure",
        product: "69af625c1be54800b58ac4bae4870c90",
        case_type: "5",
        can_use_support_plan: true,
    },
    BusinessType {
        id: "7a6b5c4d3e2f40118293a4b5c6d7e8f0",
        name: "Account login problem",
        product: "f3b1735f70e542019510458583d9b55e",
        case_type: "0",
        can_use_support_plan: false,
    },
    BusinessType {
        id: "e1d2c3b4a5964788a9b0c1d2e3f40516",
        name: "Billing question",
        product: "0c4e8a2b6d1f4e3a9b7c5d2e1f0a3b4c",
        case_type: "0",
        can_use_support_plan: false,
    },
];

/// Templates.
pub const TEMPLATES: &[Template] = &[
    Template {
        id: "tpl-quota-1",
        name: "Quota increase",
        content: "Resource type: \nRegion: \nCurrent quota: \nRequested quota: \nReason: ",
        business_type: "b6dc3d3bf7ef434fa3f23d79cfc41449",
    },
    Template {
        id: "tpl-unavailable-1",
        name: "Instance unavailable",
        content: "Instance ID: \nSince when: \nWhat you see: \nWhat you tried: ",
        business_type: "9b1a349c3a2849a391d58c10f9dc55a1",
    },
    Template {
        id: "tpl-login-1",
        name: "Remote login failure",
        content: "Instance ID: \nEIP: \nLogin method (SSH/RDP/VNC): \nError message: ",
        business_type: "3f9d2c1b0a8e4f7d6c5b4a3928171605",
    },
    Template {
        id: "tpl-disk-1",
        name: "Disk attachment failure",
        content: "Disk ID: \nInstance ID: \nError message: ",
        business_type: "5efc9f47ace944bfafd054161409f15b",
    },
    Template {
        id: "tpl-account-1",
        name: "Account login problem",
        content: "Account name: \nWhat happens when you log in: ",
        business_type: "7a6b5c4d3e2f40118293a4b5c6d7e8f0",
    },
    Template {
        id: "tpl-billing-1",
        name: "Billing question",
        content: "Order or bill ID: \nQuestion: ",
        business_type: "e1d2c3b4a5964788a9b0c1d2e3f40516",
    },
];

/// Severities (the same for every problem type).
pub const SEVERITIES: &[Severity] = &[
    Severity {
        id: "123",
        name: "Minor",
    },
    Severity {
        id: "124",
        name: "Major",
    },
    Severity {
        id: "125",
        name: "Critical",
    },
];

/// Regions.
pub const REGIONS: &[Region] = &[
    Region {
        id: "cn-north-1",
        name: "CN North-Beijing1",
        kind: 0,
    },
    Region {
        id: "cn-north-4",
        name: "CN North-Beijing4",
        kind: 0,
    },
    Region {
        id: "cn-east-3",
        name: "CN East-Shanghai1",
        kind: 0,
    },
    Region {
        id: "cn-south-1",
        name: "CN South-Guangzhou",
        kind: 0,
    },
    Region {
        id: "ap-southeast-1",
        name: "CN-Hong Kong",
        kind: 1,
    },
    Region {
        id: "ap-southeast-3",
        name: "AP-Singapore",
        kind: 1,
    },
    Region {
        id: "af-south-1",
        name: "AF-Johannesburg",
        kind: 1,
    },
    Region {
        id: "eu-west-101",
        name: "EU-Dublin",
        kind: 1,
    },
];

/// Satisfaction dimensions (values are 1 to 5).
pub const SATISFACTION: &[Satisfaction] = &[
    Satisfaction {
        id: 1,
        name: "Timeliness",
        desc: "How quickly the engineer responded",
    },
    Satisfaction {
        id: 2,
        name: "Service attitude",
        desc: "How the engineer communicated",
    },
    Satisfaction {
        id: 3,
        name: "Handling result",
        desc: "Whether the problem was solved",
    },
];

/// Country/region calling codes.
pub const AREA_CODES: &[AreaCode] = &[
    AreaCode {
        id: 1,
        code: "86",
        name: "China",
    },
    AreaCode {
        id: 2,
        code: "852",
        name: "Hong Kong (China)",
    },
    AreaCode {
        id: 3,
        code: "65",
        name: "Singapore",
    },
    AreaCode {
        id: 4,
        code: "27",
        name: "South Africa",
    },
    AreaCode {
        id: 5,
        code: "353",
        name: "Ireland",
    },
    AreaCode {
        id: 6,
        code: "49",
        name: "Germany",
    },
    AreaCode {
        id: 7,
        code: "354",
        name: "Iceland",
    },
    AreaCode {
        id: 8,
        code: "1",
        name: "United States",
    },
];

/// The product with this id.
pub fn product(id: &str) -> Option<&'static Product> {
    PRODUCTS.iter().find(|p| p.id == id)
}

/// The problem type with this id.
pub fn business_type(id: &str) -> Option<&'static BusinessType> {
    BUSINESS_TYPES.iter().find(|b| b.id == id)
}

/// The severity with this id.
pub fn severity(id: &str) -> Option<&'static Severity> {
    SEVERITIES.iter().find(|s| s.id == id)
}

/// The region with this id.
pub fn region(id: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.id == id)
}

/// The satisfaction dimension with this id.
pub fn satisfaction(id: i32) -> Option<&'static Satisfaction> {
    SATISFACTION.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve() {
        for b in BUSINESS_TYPES {
            assert!(product(b.product).is_some(), "{}", b.id);
            assert!(
                TEMPLATES.iter().any(|t| t.business_type == b.id),
                "{}",
                b.id
            );
        }
        for p in PRODUCTS {
            assert!(SUB_TYPES.iter().any(|s| s.id == p.sub_type), "{}", p.id);
        }
        for t in TEMPLATES {
            assert!(business_type(t.business_type).is_some());
        }
    }
}
