//! ARNs that a construct takes as text and that must name a resource of the stack's own
//! account: a secret's rotation function ([`Secret::rotation`](crate::Secret)) and a
//! route's Cognito user pool ([`Auth::cognito`](crate::Auth::cognito)). Either hands what
//! it guards to that account (the secret's value, the API's callers), so an ARN that writes
//! another account's twelve digits is refused when the construct is added, and the template
//! writes the account as `${AWS::AccountId}` so that the rules read a resource of this
//! account.

use crate::app::Arena;
use crate::cfn::Expr;

/// The stack's own account, as `Fn::Sub` writes it in an ARN.
pub(crate) const OWN_ACCOUNT: &str = "${AWS::AccountId}";

/// [`OWN_ACCOUNT`] without the colons that would split an ARN's fields: an ARN's validator
/// reads it in place of the account with `arn.replace(OWN_ACCOUNT, OWN_ACCOUNT_FIELD)`.
pub(crate) const OWN_ACCOUNT_FIELD: &str = "${AWS-AccountId}";

/// The account an ARN (already checked by its construct's validator) names as twelve
/// digits; `None` for `${AWS::AccountId}`, the stack's own.
pub(crate) fn literal_account(arn: &str) -> Option<&str> {
    if arn.contains(OWN_ACCOUNT) {
        return None;
    }
    arn.split(':').nth(4)
}

/// The ARN as the template writes it: `Fn::Sub` with its partition `${AWS::Partition}` and
/// its account `${AWS::AccountId}`, the stack's own (which [`another_account`] made sure a
/// literal account is, and a resource of the stack's account is of its partition too).
/// cfn-lint reports a partition written as text in an ARN (I3042).
pub(crate) fn own_account_arn(arn: &str) -> Expr {
    let mut fields: Vec<&str> = arn.splitn(6, ':').collect();
    if fields.len() == 6 {
        fields[1] = "${AWS::Partition}";
        if literal_account(arn).is_some_and(|account| fields[4] == account) {
            fields[4] = OWN_ACCOUNT;
        }
    }
    Expr::sub_pseudo(&fields.join(":"))
}

/// When `arn` names an account as twelve digits that is not the account of the
/// environment of `stack`: that account, and how the stack's own is known ("not this
/// stack's account …", or that the stack names none and deploys to the account of the
/// credentials), for the construct's refusal.
pub(crate) fn another_account<'a>(
    arena: &Arena,
    stack: u32,
    arn: &'a str,
) -> Option<(&'a str, String)> {
    let account = literal_account(arn)?;
    let here = arena.account_of(stack);
    if here.is_some_and(|a| a.as_str() == account) {
        return None;
    }
    let whose = match here {
        Some(a) => format!("not this stack's account {}", a.as_str()),
        None => "and this stack names no account (it deploys to the account of the credentials)"
            .to_owned(),
    };
    Some((account, whose))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arn_in_the_stack_s_own_account_is_written_with_the_pseudo_parameter() {
        let own = "arn:aws:lambda:us-east-1:${AWS::AccountId}:function:rotate";
        assert_eq!(literal_account(own), None);
        let literal = "arn:aws:lambda:us-east-1:111122223333:function:rotate";
        assert_eq!(literal_account(literal), Some("111122223333"));
        let written = serde_json::to_value(own_account_arn(literal)).unwrap();
        assert_eq!(written, serde_json::to_value(own_account_arn(own)).unwrap());
        assert_eq!(
            written,
            serde_json::json!({ "Fn::Sub": "arn:${AWS::Partition}:lambda:us-east-1:${AWS::AccountId}:function:rotate" })
        );
    }
}
