//! The worker of the docproc example: a Lambda function for the `provided.al2023` runtime,
//! built from this crate by `synth` (`Code::cargo_bin("docproc-worker")`).
//!
//! It speaks Lambda's runtime API itself (HTTP/1.1 on `AWS_LAMBDA_RUNTIME_API`), with the
//! standard library only: it takes the next event (a batch of SQS messages, each an S3
//! upload event), names the documents it saw in its log (object keys, never contents), and
//! answers with the messages that failed (`batchItemFailures`), so that only those are
//! retried and, after the queue's `max_receives`, kept in its dead-letter queue.
//!
//! The same binary serves the `Reader` function behind the `SecureApi` of the example: to an
//! API Gateway proxy event (`GET /documents/{key}`, signed with IAM) it answers which
//! document was asked for and the table that holds its results (`RESULTS_TABLE`). Reading
//! the item itself needs the AWS SDK, which this standard-library build leaves out.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};

/// One HTTP exchange with the runtime API: the status, the request id header and the body.
fn exchange(
    api: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> std::io::Result<(u16, Option<String>, Vec<u8>)> {
    let mut stream = TcpStream::connect(api)?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {api}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut request_id = None;
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim().to_owned();
            match name.to_ascii_lowercase().as_str() {
                "lambda-runtime-aws-request-id" => request_id = Some(value),
                "content-length" => length = value.parse::<usize>().ok(),
                _ => {}
            }
        }
    }
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            reader.read_exact(&mut body)?;
        }
        None => {
            reader.read_to_end(&mut body)?;
        }
    }
    Ok((status, request_id, body))
}

/// The answer to an API Gateway proxy event: the document asked for, never its contents.
fn answer_request(event: &Value, table: &str) -> Value {
    match event["pathParameters"]["key"].as_str() {
        Some(key) if !key.is_empty() => json!({
            "statusCode": 200,
            "headers": { "content-type": "application/json" },
            "body": json!({ "document": key, "table": table }).to_string()
        }),
        _ => json!({ "statusCode": 400, "body": "{\"error\":\"no document key\"}" }),
    }
}

/// The answer to one event: a request of API Gateway, or a batch of the queue.
fn handle(event: &Value) -> Value {
    if event.get("requestContext").is_some() {
        let table = std::env::var("RESULTS_TABLE").unwrap_or_default();
        return answer_request(event, &table);
    }
    handle_batch(event)
}

/// The answer to one batch: the ids of the messages whose upload event could not be read.
fn handle_batch(event: &Value) -> Value {
    let mut failures = Vec::new();
    for record in event["Records"].as_array().into_iter().flatten() {
        let id = record["messageId"].as_str().unwrap_or_default();
        let upload: Option<Value> = record["body"]
            .as_str()
            .and_then(|b| serde_json::from_str(b).ok());
        let keys: Vec<&str> = upload
            .as_ref()
            .and_then(|u| u["Records"].as_array())
            .into_iter()
            .flatten()
            .filter_map(|r| r["s3"]["object"]["key"].as_str())
            .collect();
        match upload {
            // S3's test event, sent once when the notification is set up.
            Some(u) if u["Event"] == "s3:TestEvent" => {}
            Some(_) if !keys.is_empty() => {
                println!("{}", json!({ "processed": keys, "message": id }));
            }
            _ => failures.push(json!({ "itemIdentifier": id })),
        }
    }
    json!({ "batchItemFailures": failures })
}

fn main() -> std::io::Result<()> {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API").map_err(|_| {
        std::io::Error::other("AWS_LAMBDA_RUNTIME_API is not set: this program runs on Lambda")
    })?;
    loop {
        let (_, request_id, body) =
            exchange(&api, "GET", "/2018-06-01/runtime/invocation/next", b"")?;
        let Some(request_id) = request_id else {
            continue;
        };
        let answer = match serde_json::from_slice::<Value>(&body) {
            Ok(event) => handle(&event),
            Err(e) => {
                let error = json!({ "errorType": "InvalidEvent", "errorMessage": e.to_string() });
                let path = format!("/2018-06-01/runtime/invocation/{request_id}/error");
                exchange(&api, "POST", &path, error.to_string().as_bytes())?;
                continue;
            }
        };
        let path = format!("/2018-06-01/runtime/invocation/{request_id}/response");
        exchange(&api, "POST", &path, answer.to_string().as_bytes())?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_reports_only_the_messages_it_could_not_read() {
        let upload = json!({ "Records": [{ "s3": { "object": { "key": "scans/1.pdf" } } }] });
        let event = json!({ "Records": [
            { "messageId": "a", "body": upload.to_string() },
            { "messageId": "b", "body": "not json" },
            { "messageId": "c", "body": json!({ "Event": "s3:TestEvent" }).to_string() },
        ] });
        assert_eq!(
            handle(&event),
            json!({ "batchItemFailures": [{ "itemIdentifier": "b" }] })
        );
    }

    #[test]
    fn a_request_of_api_gateway_names_the_document_asked_for() {
        let event = json!({
            "requestContext": { "httpMethod": "GET" },
            "pathParameters": { "key": "scans/1.pdf" }
        });
        let answer = answer_request(&event, "Results");
        assert_eq!(answer["statusCode"], 200);
        let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({ "document": "scans/1.pdf", "table": "Results" })
        );
        let missing = answer_request(&json!({ "requestContext": {} }), "Results");
        assert_eq!(missing["statusCode"], 400);
    }
}
