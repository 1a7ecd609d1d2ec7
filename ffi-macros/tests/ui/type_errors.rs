use ffi_core::prelude::*;

#[ffi_type]
pub struct Job {
    pub id: usize,
    pub name: String,
}

#[ffi_type]
pub enum Shape {
    Circle(f64),
    Square,
}

#[ffi_type]
pub enum Level {
    Low = 1,
    High,
}

#[ffi_event]
pub async fn finished(job: String);

fn main() {}
