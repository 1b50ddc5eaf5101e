//! A MIME part encoded in Base64 hides what cloud-init runs: it cannot be read, so it is refused. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "Content-Type: multipart/mixed; boundary=\"X\"\nMIME-Version: 1.0\n\n--X\nContent-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\nbXlzcWwgLXBodW50ZXIy\n--X--\n"
    ));
}
