use super::*;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn err<T: CborType + std::fmt::Debug>(h: &str) -> String {
    from_slice::<T>(&unhex(h)).unwrap_err().to_string()
}

#[test]
fn integers_use_the_shortest_form() {
    let cases: [(i64, &str); 9] = [
        (0, "00"),
        (23, "17"),
        (24, "1818"),
        (255, "18ff"),
        (256, "190100"),
        (65536, "1a00010000"),
        (-1, "20"),
        (-25, "3818"),
        (i64::MIN, "3b7fffffffffffffff"),
    ];
    for (v, h) in cases {
        assert_eq!(hex(&to_vec(&v)), h, "{v}");
        assert_eq!(from_slice::<i64>(&unhex(h)).unwrap(), v);
    }
    assert_eq!(hex(&to_vec(&u64::MAX)), "1bffffffffffffffff");
    assert_eq!(
        from_slice::<u64>(&unhex("1bffffffffffffffff")).unwrap(),
        u64::MAX
    );
}

#[test]
fn integers_are_range_checked() {
    assert_eq!(err::<i8>("1880"), "expected integer in range of i8");
    assert_eq!(err::<u8>("20"), "expected integer in range of u8");
    assert_eq!(
        err::<i64>("1bffffffffffffffff"),
        "expected integer in range of i64"
    );
    assert_eq!(from_slice::<i8>(&unhex("387f")).unwrap(), -128);
}

#[test]
fn floats_keep_their_width_and_accept_any() {
    assert_eq!(hex(&to_vec(&1.5f64)), "fb3ff8000000000000");
    assert_eq!(hex(&to_vec(&1.5f32)), "fa3fc00000");
    assert_eq!(from_slice::<f64>(&unhex("f93e00")).unwrap(), 1.5);
    assert_eq!(
        from_slice::<f32>(&unhex("fb3ff8000000000000")).unwrap(),
        1.5
    );
    assert_eq!(from_slice::<f64>(&unhex("20")).unwrap(), -1.0);
    assert!(from_slice::<f64>(&unhex("f97e00")).unwrap().is_nan());
    assert_eq!(err::<f64>("60"), "expected float, got text");
}

#[test]
fn strings_bytes_vectors_options_unit() {
    assert_eq!(hex(&to_vec(&"a".to_string())), "6161");
    assert_eq!(hex(&to_vec(&vec![1u8, 2])), "420102");
    assert_eq!(hex(&to_vec(&vec![1u16, 2])), "820102");
    assert_eq!(hex(&to_vec(&Some(3i32))), "03");
    assert_eq!(hex(&to_vec(&None::<i32>)), "f6");
    assert_eq!(hex(&to_vec(&())), "f6");
    assert_eq!(from_slice::<Option<i32>>(&unhex("f6")).unwrap(), None);
    from_slice::<()>(&[]).unwrap();
    from_slice::<()>(&unhex("a0")).unwrap();
    assert_eq!(err::<String>("62c328"), "invalid UTF-8 in text");
    assert_eq!(err::<Vec<u8>>("80"), "expected bytes, got array");
}

#[test]
fn indefinite_lengths_are_accepted() {
    // (_ "ab", "c"), (_ h'01', h'02'), [_ 1, [_ 2]]
    assert_eq!(
        from_slice::<String>(&unhex("7f62616261 63ff".replace(' ', "").as_str())).unwrap(),
        "abc"
    );
    assert_eq!(
        from_slice::<Vec<u8>>(&unhex("5f41014102ff")).unwrap(),
        [1, 2]
    );
    assert_eq!(
        from_slice::<Vec<Vec<u8>>>(&unhex("9f4101ff")).unwrap(),
        [vec![1]]
    );
    assert_eq!(from_slice::<Vec<i64>>(&unhex("9f0102ff")).unwrap(), [1, 2]);
}

#[test]
fn tags_are_skipped() {
    assert_eq!(from_slice::<u64>(&unhex("d9d9f705")).unwrap(), 5);
}

#[test]
fn truncated_and_trailing_input_are_errors() {
    assert_eq!(
        err::<i64>("19"),
        "malformed CBOR: unexpected end of input at byte 1"
    );
    assert_eq!(
        err::<i64>("0101"),
        "malformed CBOR: 1 trailing bytes after the value at byte 1"
    );
    assert_eq!(
        err::<i64>(""),
        "malformed CBOR: unexpected end of input at byte 0"
    );
    assert_eq!(
        err::<Vec<i64>>("9f01"),
        "malformed CBOR: unexpected end of input at byte 2"
    );
    assert_eq!(
        err::<i64>("1c"),
        "malformed CBOR: invalid initial byte 0x1c at byte 0"
    );
    assert_eq!(
        err::<i64>("ff"),
        "malformed CBOR: unexpected break at byte 0"
    );
}

#[test]
fn huge_declared_lengths_fail_before_allocating() {
    // A 4 GiB text string and a 2^64-1 item array in a few bytes.
    assert_eq!(
        err::<String>("7affffffff616263"),
        "malformed CBOR: length 4294967295 declared at byte 0 exceeds the 3 bytes left"
    );
    assert!(err::<Vec<u8>>("5bffffffffffffffff00").contains("exceeds the 1 bytes left"));
    assert!(err::<Vec<i64>>("9bffffffffffffffff00").contains("exceeds"));
    let mut d = Decoder::new(&[0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
    assert!(d.skip().unwrap_err().to_string().contains("exceeds"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut deep = vec![0x81u8; 10_000];
    deep.push(0x00);
    let e = err::<Vec<Vec<i64>>>(&hex(&deep));
    assert!(e.contains("expected integer, got array"), "{e}");
    assert!(
        Decoder::new(&deep)
            .skip()
            .unwrap_err()
            .to_string()
            .contains("nesting deeper than 256")
    );
    let mut indefinite = vec![0x9fu8; 10_000];
    indefinite.extend(vec![0xffu8; 10_000]);
    assert!(Decoder::new(&indefinite).skip().is_err());
    let mut ok = vec![0x81u8; 255];
    ok.push(0);
    Decoder::new(&ok).skip().unwrap();
}

#[test]
fn paths_name_fields_and_indices() {
    let e = DecodeError::wrong_type("integer", "text")
        .in_field("delayMs")
        .at_index(1)
        .in_field("messages")
        .in_field("req");
    assert_eq!(
        e.to_string(),
        "field 'req.messages[1].delayMs': expected integer, got text"
    );
    assert_eq!(
        DecodeError::missing("name").in_field("config").to_string(),
        "missing field 'config.name'"
    );
    assert_eq!(
        DecodeError::invalid_utf8().in_field("message").to_string(),
        "invalid UTF-8 in field 'message'"
    );
    assert_eq!(
        DecodeError::unknown_enum("Huge", "Priority")
            .in_field("priority")
            .in_field("job")
            .to_string(),
        "unknown enum value 'Huge' for Priority in field 'job.priority'"
    );
    assert_eq!(
        DecodeError::wrong_type("text", "map")
            .at_index(0)
            .at_index(2)
            .to_string(),
        "field '[2][0]': expected text, got map"
    );
}

#[test]
fn request_maps_skip_unknown_keys() {
    // {"x": [1, {"y": 2}], "v": 7}
    let bytes = unhex("a261788201a16179026176 07".replace(' ', "").as_str());
    let mut v = None;
    glue::decode_request(&bytes, |d, k| {
        Ok(match k {
            "v" => {
                v = Some(field::<i64>(d, "v")?);
                true
            }
            _ => false,
        })
    })
    .unwrap();
    assert_eq!(required(v, "v").unwrap(), 7);
    assert_eq!(
        required::<i64>(None, "w").unwrap_err().to_string(),
        "missing field 'w'"
    );
    assert_eq!(required::<Option<i64>>(None, "w").unwrap(), None);
}

#[test]
fn wire_names_are_lower_camel_case() {
    for (rust, wire) in [
        ("delay_ms", "delayMs"),
        ("job_id", "jobId"),
        ("http_url", "httpUrl"),
        ("i8_v", "i8V"),
        ("name", "name"),
        ("req", "req"),
        ("r#type", "type"),
    ] {
        assert_eq!(wire_name(rust), wire);
    }
}

/// `next_key` (what `#[ffi_type]` structs use) and `map_entries` (what
/// requests use) accept, skip and reject exactly the same maps.
#[test]
fn next_key_agrees_with_map_entries() {
    fn by_entries(b: &[u8]) -> Result<(Option<i64>, Option<String>), String> {
        let (mut a, mut s) = (None, None);
        let mut d = Decoder::new(b);
        d.map_entries(|d, k| {
            Ok(match k {
                "a" => {
                    a = Some(field::<i64>(d, "a")?);
                    true
                }
                "sé" => {
                    s = Some(field::<String>(d, "sé")?);
                    true
                }
                _ => false,
            })
        })
        .map_err(|e| e.to_string())?;
        d.finish().map_err(|e| e.to_string())?;
        Ok((a, s))
    }
    fn by_keys(b: &[u8]) -> Result<(Option<i64>, Option<String>), String> {
        let (mut a, mut s) = (None, None);
        let mut d = Decoder::new(b);
        let mut run = |d: &mut Decoder<'_>| -> Result<(), DecodeError> {
            let mut m = d.begin_map_keys()?;
            while let Some(k) = d.next_key(&mut m)? {
                match &*k {
                    b"a" => a = Some(field::<i64>(d, "a")?),
                    b"s\xc3\xa9" => s = Some(field::<String>(d, "sé")?),
                    other => d.skip_unknown(other)?,
                }
            }
            d.finish()
        };
        run(&mut d).map_err(|e| e.to_string())?;
        Ok((a, s))
    }
    for h in [
        "a0",
        "a1616107",
        "a26161076373c3a96178",
        "bf616107ff",
        "bf7f6161ff07ff",         // chunked key
        "a2016161616107",         // non-text key skipped
        "a262ff0001616105",       // unknown key, invalid UTF-8
        "a2626262a1617801616105", // unknown key, nested value
        "a1d9d9f7616107",         // tagged key (skipped as non-text)
        "a161616161",             // wrong type
        "a16161",                 // truncated value
        "a2616107",               // truncated map
        "bf616107",               // unterminated indefinite map
        "bf6161",                 // key without value
        "a17f6161610000ff07",     // bad chunk in a key
        "a1617a7affffffff",       // huge declared length
        "a16373c3a962c328",       // invalid UTF-8 value
        "a161610700",             // trailing bytes
        "80",                     // not a map
        "",
    ] {
        let b = unhex(&h.replace(' ', ""));
        assert_eq!(by_keys(&b), by_entries(&b), "input {h}");
    }
}
