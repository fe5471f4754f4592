//! The Content API's errors: one body shape, `{"error": {"code": "…",
//! "message": "…"}}`, and every code in one enum ([`ErrorCode`]), so the
//! codes clients match on are stable and listed in one place (README's
//! table and the OpenAPI description are made from it).

use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderValue};
use http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;

/// Every error the API answers with. The serialized name is the code; once
/// published a code never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 401: no key in `Authorization: Bearer …` or `?key=`.
    MissingKey,
    /// 401: a key this publication does not know.
    InvalidKey,
    /// 401: a key that was revoked.
    RevokedKey,
    /// 400: a query parameter this operation does not take.
    UnknownParameter,
    /// 400: a parameter given twice.
    DuplicateParameter,
    /// 400: a required parameter is missing (`q` of `search/`).
    MissingParameter,
    /// 400: a parameter's value is malformed or out of range (`limit`,
    /// dates, `fields`, `include`).
    InvalidParameter,
    /// 400: a `cursor` that no response of this API gave.
    InvalidCursor,
    /// 404: no such article (or not published yet), or no such API path.
    NotFound,
    /// 405: the API answers GET, HEAD and OPTIONS only.
    MethodNotAllowed,
    /// 500: the server failed (the store is unreachable…); never caused by
    /// the request.
    Internal,
    /// 503: `search/` on a node whose search index is still being built
    /// (in the background, after start); retry shortly.
    IndexBuilding,
}

impl ErrorCode {
    /// All codes, in the order of the README's table.
    pub const ALL: [ErrorCode; 12] = [
        ErrorCode::MissingKey,
        ErrorCode::InvalidKey,
        ErrorCode::RevokedKey,
        ErrorCode::UnknownParameter,
        ErrorCode::DuplicateParameter,
        ErrorCode::MissingParameter,
        ErrorCode::InvalidParameter,
        ErrorCode::InvalidCursor,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Internal,
        ErrorCode::IndexBuilding,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingKey => "missing_key",
            ErrorCode::InvalidKey => "invalid_key",
            ErrorCode::RevokedKey => "revoked_key",
            ErrorCode::UnknownParameter => "unknown_parameter",
            ErrorCode::DuplicateParameter => "duplicate_parameter",
            ErrorCode::MissingParameter => "missing_parameter",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::InvalidCursor => "invalid_cursor",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Internal => "internal",
            ErrorCode::IndexBuilding => "index_building",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::MissingKey | ErrorCode::InvalidKey | ErrorCode::RevokedKey => StatusCode::UNAUTHORIZED,
            ErrorCode::UnknownParameter
            | ErrorCode::DuplicateParameter
            | ErrorCode::MissingParameter
            | ErrorCode::InvalidParameter
            | ErrorCode::InvalidCursor => StatusCode::BAD_REQUEST,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::IndexBuilding => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// An error answer: its code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into() }
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidParameter, message)
    }

    pub fn not_found() -> ApiError {
        ApiError::new(ErrorCode::NotFound, "Nothing is published at this address.")
    }
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable.
    pub code: ErrorCode,
    /// For people; may change.
    pub message: String,
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e {
            AppError::NotFound | AppError::Store(prensa_store::StoreError::NotFound) => ApiError::not_found(),
            e => {
                // Logged here, never sent: the message names no internals.
                tracing::error!(error = %e, "API request failed");
                ApiError::new(ErrorCode::Internal, "The server could not answer; try again later.")
            }
        }
    }
}

impl From<prensa_store::StoreError> for ApiError {
    fn from(e: prensa_store::StoreError) -> ApiError {
        ApiError::from(AppError::from(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message } };
        // Serializing two strings cannot fail.
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response =
            (status, [(header::CONTENT_TYPE, HeaderValue::from_static(super::JSON))], json).into_response();
        let h = response.headers_mut();
        match self.code {
            ErrorCode::MissingKey | ErrorCode::InvalidKey | ErrorCode::RevokedKey => {
                h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"content-api\""));
            }
            ErrorCode::MethodNotAllowed => {
                h.insert(header::ALLOW, HeaderValue::from_static(super::ALLOW));
            }
            _ => {}
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_names() {
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).expect("json"), serde_json::Value::from(code.as_str()));
        }
    }

    #[test]
    fn error_bodies_have_the_documented_shape() {
        let body = ErrorBody { error: ErrorDetail { code: ErrorCode::RevokedKey, message: "x <&>\"".into() } };
        let v = serde_json::to_value(&body).expect("json");
        assert_eq!(v, serde_json::json!({ "error": { "code": "revoked_key", "message": "x <&>\"" } }));
    }
}
