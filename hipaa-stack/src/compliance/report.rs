//! The auditor's report (written next).
