//! Pure domain rules of licadm: no I/O, no HTTP, no SQL, no terminal.
//!
//! Everything here is deterministic and unit-tested; the portal, the client and the
//! console all build on these types so a rule is written exactly once.

pub mod calendar;
pub mod dates;
pub mod failure;
pub mod invoice;
pub mod invoice_document;
pub mod lang;
pub mod license;
pub mod money;
pub mod offline;
pub mod organization;
pub mod precheck;
pub mod product_key;
pub mod serial;
pub mod signing;
pub mod status;
pub mod taxid;
pub mod template;
pub mod text;
pub mod vendor;
pub mod webhook;

pub use calendar::HolidayCalendar;
pub use dates::{SubscriptionUrgency, format_date, new_until, urgency};
pub use failure::{ActivationFailure, FailureReason};
pub use invoice::{InvoiceNumber, InvoiceStatus, Period};
pub use lang::Lang;
pub use money::{Kopecks, format_rub};
pub use organization::ActivationRefusal;
pub use precheck::{
    Checked, DeviceInfo, MAX_SERIALS, PrecheckOutcome, distinct_serials, precheck, split_by_vendor,
};
pub use product_key::{ProductKey, ProductKeyError};
pub use serial::{Serial, SerialError, SerialList, SerialListError, parse_serial_list};
pub use status::ActivationStatus;
pub use taxid::{Inn, Kpp, Ogrn, TaxIdError};
pub use vendor::Vendor;
