"""Huawei's official Python SDK (huaweicloudsdkcore and huaweicloudsdkosm 3.1.219) against an
osm-sandbox: credentials from the SDK's own OidcStsCredentialProvider (HUAWEICLOUD_OIDC_* and
HUAWEICLOUD_SDK_STS_ENDPOINT point at the sandbox's STS), then ListCases on OSM_ENDPOINT, given
as a region's endpoint so that the SDK looks the account id up (HUAWEICLOUD_SDK_IAM_ENDPOINT,
the sandbox too) as it does for a real region.

Prints `total_count N`, then one ticket a line (id and description). Run by
`tests/integration/python_sdk.rs` (ignored unless asked for), which starts the sandbox and sets
exactly the variables this needs.
"""

import os

from huaweicloudsdkcore.auth.provider import OidcStsCredentialProvider
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkosm.v2 import ListCasesRequest, OsmClient

credentials = OidcStsCredentialProvider.get_global().get_credentials()
client = (
    OsmClient.new_builder()
    .with_credentials(credentials)
    .with_region(Region("ap-southeast-3", os.environ["OSM_ENDPOINT"]))
    .build()
)
response = client.list_cases(ListCasesRequest(limit=10, x_site=1, x_language="en-us"))
print(f"total_count {response.total_count}")
for case in response.incident_info_list or []:
    print(f"{case.incident_id} {case.simple_description}")
