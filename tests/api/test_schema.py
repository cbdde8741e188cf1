"""The OpenAPI 3 schema validates and documents every endpoint; the docs page works offline."""
import pytest
import yaml
from drf_spectacular.validation import validate_schema

from comparer.api.schema import _schema

PATHS = ["/api/v1/outlets/", "/api/v1/outlets/{id}/", "/api/v1/articles/", "/api/v1/articles/{id}/",
         "/api/v1/articles/batch/", "/api/v1/events/", "/api/v1/events/{id}/", "/api/v1/events/{id}/comparison/",
         "/api/v1/events/{id}/comparison.csv", "/api/v1/claims/", "/api/v1/claims/{id}/", "/api/v1/relations/",
         "/api/v1/relations/{id}/", "/api/v1/search/",
         # comparer/watches/api.py
         "/api/v1/watches/", "/api/v1/watches/{id}/", "/api/v1/watches/changes/", "/api/v1/watches/{id}/changes/"]


@pytest.fixture
def schema(db, anonymous_api):
    response = anonymous_api.get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_validates_and_lists_every_endpoint(schema):
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == sorted(PATHS)
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_every_operation_documents_the_error_shape(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "403", "404", "429"):
                ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (path, method, code)
            assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert "413" in schema["paths"]["/api/v1/articles/"]["post"]["responses"]


def test_docs_page_lists_operations_without_external_scripts(db, anonymous_api):
    _schema.cache_clear()
    response = anonymous_api.get("/api/v1/docs/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<script" not in page and "cdn" not in page.lower()
    for path in PATHS:
        assert path in page
    assert "ArticleSubmissionRequest" in page
