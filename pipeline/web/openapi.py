"""The OpenAPI 3.1 description of /api, written by hand next to the routes it describes."""

from __future__ import annotations

_str = {"type": "string"}
_nstr = {"type": ["string", "null"]}
_nint = {"type": ["integer", "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _q(name: str, desc: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": desc, "schema": schema or _str}


_mark = {"id": {"type": ["integer", "string"]}, "kind": _str, "start": _nint, "end": _nint, "text": _str}

SPEC: dict = {
    "openapi": "3.1.0",
    "info": {"title": "vanban API", "version": "1",
             "description": "Tìm kiếm văn bản, chi tiết văn bản và nhiệm vụ (chỉ đọc)."},
    "paths": {
        "/api/search": {"get": {
            "summary": "Tìm văn bản (không phân biệt dấu)",
            "parameters": [
                _q("q", "Từ khóa; 'khuyen cong' khớp 'khuyến công'"),
                _q("type", "Loại văn bản, ví dụ Quyết định"),
                _q("issuer", "Cơ quan ban hành"),
                _q("year", "Năm ban hành", {"type": "integer"}),
                _q("limit", "Số kết quả (1-100)", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
                _q("offset", "Bỏ qua bao nhiêu kết quả", {"type": "integer", "minimum": 0, "default": 0}),
            ],
            "responses": {"200": {"description": "Kết quả", "content": {"application/json": {"schema": {
                "type": "object", "required": ["total", "results"],
                "properties": {"total": {"type": "integer"}, "limit": {"type": "integer"},
                               "offset": {"type": "integer"},
                               "results": {"type": "array", "items": _ref("DocSummary")}}}}}},
                          "400": {"description": "Tham số sai", "content": {"application/json": {"schema": _ref("Error")}}}},
        }},
        "/api/documents/{id}": {"get": {
            "summary": "Một văn bản: trường đầu văn bản, nội dung, căn cứ, văn bản dẫn chiếu đến, nhiệm vụ, thời hạn, kinh phí",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "Văn bản", "content": {"application/json": {"schema": _ref("DocDetail")}}},
                          "404": {"description": "Không có", "content": {"application/json": {"schema": _ref("Error")}}}},
        }},
        "/api/tasks": {"get": {
            "summary": "Nhiệm vụ theo cơ quan, trạng thái và thời hạn",
            "parameters": [
                _q("assignee", "Cơ quan được giao"),
                _q("status", "Trạng thái", {"type": "string", "enum": ["open", "in_progress", "done"]}),
                _q("due", "overdue: quá hạn; soon: đến hạn trong 3 ngày; none: không có hạn",
                   {"type": "string", "enum": ["overdue", "soon", "none"]}),
                _q("document", "Chỉ nhiệm vụ của văn bản này", {"type": "integer"}),
                _q("limit", "Số nhiệm vụ (1-5000)", {"type": "integer", "minimum": 1, "maximum": 5000, "default": 500}),
                _q("offset", "Bỏ qua bao nhiêu nhiệm vụ", {"type": "integer", "minimum": 0, "default": 0}),
            ],
            "responses": {"200": {"description": "Nhiệm vụ", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"total": {"type": "integer"}, "limit": {"type": "integer"},
                                                 "offset": {"type": "integer"},
                                                 "today": {"type": "string", "format": "date"},
                                                 "results": {"type": "array", "items": _ref("Task")}}}}}},
                          "400": {"description": "Tham số sai", "content": {"application/json": {"schema": _ref("Error")}}}},
        }},
        "/api/jobs/{id}": {"get": {
            "summary": "Việc nhập một tệp tải lên (cần đăng nhập): queued, running, done hoặc failed",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "Việc nhập", "content": {"application/json": {"schema": _ref("Job")}}},
                          "401": {"description": "Cần đăng nhập", "content": {"application/json": {"schema": _ref("Error")}}},
                          "404": {"description": "Không có", "content": {"application/json": {"schema": _ref("Error")}}}},
        }},
        "/api/openapi.json": {"get": {"summary": "Tài liệu này", "responses": {"200": {"description": "OpenAPI"}}}},
    },
    "components": {"schemas": {
        "Error": {"type": "object", "properties": {"error": _str}},
        "DocSummary": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"}, "label": _str, "doc_type": _nstr, "number": _nstr,
            "issue_date": {"type": ["string", "null"], "format": "date"}, "issuer": _nstr, "subject": _nstr,
            "status": {"type": ["string", "null"], "description": "thay thế / bãi bỏ khi văn bản đã hết hiệu lực"},
            "snippet": _nstr, "file_name": _nstr}},
        "Job": {"type": "object", "required": ["id", "status"], "properties": {
            "id": {"type": "integer"}, "file_name": _str,
            "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]}, "status_text": _str,
            "message": _nstr, "document_id": _nint, "url": _nstr, "submitted_by": _nstr, "submitted_at": _str,
            "finished_at": _nstr}},
        "Reference": {"type": "object", "properties": _mark | {
            "relation": _str, "doc_type": _nstr, "number": _nstr, "date": _nstr, "issuer": _nstr, "title": _nstr,
            "target_id": _nint}},
        "Note": {"type": "object", "properties": {"author": _str, "at": _str, "text": _str}},
        "Task": {"type": "object", "properties": _mark | {
            "doc_id": _nint, "doc_label": _str, "assignees": {"type": "array", "items": _str},
            "coordinators": {"type": "array", "items": _str}, "action": _str,
            "due": {"type": ["string", "null"], "format": "date"},
            "status": {"type": "string", "enum": ["open", "in_progress", "done"]},
            "updated_by": {"type": ["string", "null"], "description": "chỉ khi đã đăng nhập"},
            "updated_at": {"type": ["string", "null"], "description": "chỉ khi đã đăng nhập"}, "urgency": {"type": ["string", "null"], "enum": ["overdue", "soon", None]},
            "notes": {"type": "array", "items": _ref("Note"), "description": "chỉ khi đã đăng nhập (rỗng khi chưa)"}}},
        "Deadline": {"type": "object", "properties": _mark | {"date": _nstr, "recurrence": _nstr}},
        "Budget": {"type": "object", "properties": _mark | {"amount_vnd": _nint, "source": _nstr, "purpose": _nstr}},
        "Citing": {"type": "object", "properties": {"relation": _str, "doc": _ref("DocSummary")}},
        "DocDetail": {"type": "object", "properties": {
            "summary": _ref("DocSummary"), "text": _str, "fields": {"type": "object", "additionalProperties": _nstr},
            "references": {"type": "array", "items": _ref("Reference")},
            "cited_by": {"type": "array", "items": _ref("Citing")},
            "ended_by": {"type": "array", "items": _ref("Citing")},
            "tasks": {"type": "array", "items": _ref("Task")},
            "deadlines": {"type": "array", "items": _ref("Deadline")},
            "budgets": {"type": "array", "items": _ref("Budget")}}},
    }},
}
