//! libyaml's event parser behind a safe interface: one event at a time, each with the position
//! where it starts.
//!
//! This is the same parser serde_yaml is built on. Reading its events one by one, rather than
//! asking for a whole value, lets the card reader measure nesting and aliases as the parser goes
//! and stop at the first event over a budget, before the parser has done the work an attack
//! wants it to do. All of the `unsafe` needed to drive the parser is here.

use std::marker::PhantomData;
use std::mem::MaybeUninit;

use libyaml_rs as sys;

/// Where an event starts: its byte offset in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub index: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug)]
pub(crate) enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        tag: Option<String>,
        value: String,
        style: Style,
    },
    SequenceStart {
        anchor: Option<String>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
    },
    MappingEnd,
}

/// What the parser said was wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub problem: String,
    pub mark: Mark,
}

/// The events of one UTF-8 text, in order.
pub(crate) struct Events<'a> {
    /// Boxed so the parser never moves: libyaml keeps pointers into its own state.
    parser: Box<MaybeUninit<sys::yaml_parser_t>>,
    /// The parser reads the text in place; it must outlive the parser.
    input: PhantomData<&'a str>,
}

impl<'a> Events<'a> {
    pub fn new(text: &'a str) -> Events<'a> {
        let mut parser = Box::new(MaybeUninit::<sys::yaml_parser_t>::uninit());
        let raw = parser.as_mut_ptr();
        // SAFETY: `raw` points at memory owned by the box, which lives as long as `Events`;
        // initialising zeroes it and sets it up; the input pointer stays valid for 'a, which
        // outlives `Events`. Initialisation fails only when allocation fails, and then the
        // parser is already zeroed, so its first use reports an error rather than reading
        // garbage.
        unsafe {
            let _ = sys::yaml_parser_initialize(raw);
            sys::yaml_parser_set_encoding(raw, sys::YAML_UTF8_ENCODING);
            sys::yaml_parser_set_input_string(raw, text.as_ptr(), text.len() as _);
        }
        Events {
            parser,
            input: PhantomData,
        }
    }

    /// The next event, or the parser's error. After an error every call returns it again.
    pub(crate) fn next_event(&mut self) -> Result<(Event, Mark), Error> {
        let parser = self.parser.as_mut_ptr();
        let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
        // SAFETY: the parser was initialised in `new` and is not moved; `event` is written by
        // `yaml_parser_parse` before it is read (only when parsing succeeded), and deleted
        // exactly once after its data has been copied out.
        unsafe {
            if (&*parser).error != sys::YAML_NO_ERROR {
                return Err(parse_error(parser));
            }
            let event = event.as_mut_ptr();
            if sys::yaml_parser_parse(parser, event).fail {
                return Err(parse_error(parser));
            }
            let converted = convert(&*event);
            let mark = mark((*event).start_mark);
            sys::yaml_event_delete(event);
            Ok((converted, mark))
        }
    }
}

impl Drop for Events<'_> {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, deleted once, here.
        unsafe { sys::yaml_parser_delete(self.parser.as_mut_ptr()) }
    }
}

fn mark(mark: sys::yaml_mark_t) -> Mark {
    Mark {
        index: mark.index as usize,
    }
}

/// # Safety
/// `parser` must be an initialised parser.
unsafe fn parse_error(parser: *const sys::yaml_parser_t) -> Error {
    // SAFETY: the caller's promise; `problem` is null or a static C string.
    unsafe {
        let parser = &*parser;
        let problem = parser.problem;
        let problem = if problem.is_null() {
            "the YAML parser failed without saying why".to_string()
        } else {
            std::ffi::CStr::from_ptr(problem.cast())
                .to_string_lossy()
                .into_owned()
        };
        Error {
            problem,
            mark: mark(parser.problem_mark),
        }
    }
}

/// # Safety
/// `text` must be null or point at `length` readable bytes.
unsafe fn bytes_to_string(text: *const u8, length: usize) -> String {
    if text.is_null() {
        return String::new();
    }
    // SAFETY: the caller's promise.
    let bytes = unsafe { std::slice::from_raw_parts(text, length) };
    // libyaml checked the input is UTF-8 and writes only UTF-8; lossy costs nothing then.
    String::from_utf8_lossy(bytes).into_owned()
}

/// # Safety
/// `text` must be null or a NUL-terminated string.
unsafe fn c_string(text: *const u8) -> Option<String> {
    if text.is_null() {
        return None;
    }
    // SAFETY: the caller's promise.
    let text = unsafe { std::ffi::CStr::from_ptr(text.cast()) };
    Some(text.to_string_lossy().into_owned())
}

/// # Safety
/// `event` must be an event `yaml_parser_parse` filled in; the union field read is the one its
/// type names.
unsafe fn convert(event: &sys::yaml_event_t) -> Event {
    // SAFETY: the caller's promise; libyaml sets the union member matching `type_`.
    unsafe {
        match event.type_ {
            sys::YAML_STREAM_START_EVENT => Event::StreamStart,
            sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
            sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
            sys::YAML_ALIAS_EVENT => Event::Alias {
                anchor: c_string(event.data.alias.anchor).unwrap_or_default(),
            },
            sys::YAML_SCALAR_EVENT => {
                let scalar = event.data.scalar;
                Event::Scalar {
                    anchor: c_string(scalar.anchor),
                    tag: c_string(scalar.tag),
                    value: bytes_to_string(scalar.value, scalar.length as usize),
                    style: match scalar.style {
                        sys::YAML_SINGLE_QUOTED_SCALAR_STYLE => Style::SingleQuoted,
                        sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE => Style::DoubleQuoted,
                        sys::YAML_LITERAL_SCALAR_STYLE => Style::Literal,
                        sys::YAML_FOLDED_SCALAR_STYLE => Style::Folded,
                        _ => Style::Plain,
                    },
                }
            }
            sys::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                anchor: c_string(event.data.sequence_start.anchor),
            },
            sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
            sys::YAML_MAPPING_START_EVENT => Event::MappingStart {
                anchor: c_string(event.data.mapping_start.anchor),
            },
            sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
            // The parser never hands out "no event" after a success; ending the stream is the
            // safe reading of anything unexpected.
            _ => Event::StreamEnd,
        }
    }
}
