//! The object protocol. `how` picks the HPy variant: "s" (`_s`, a Rust string), "i" (`_i`, an
//! index) or "o" (an object).

use hpy::prelude::*;
use hpy::Type;

#[hpy_method]
pub fn get_attr<'c>(obj: &Handle<'c>, name: &Handle<'c>, how: &str) -> HPyResult<Handle<'c>> {
    match how {
        "s" => obj.get_attr(name.extract::<&str>()?),
        _ => obj.get_attr(name),
    }
}

#[hpy_method]
pub fn has_attr(obj: &Handle<'_>, name: &Handle<'_>, how: &str) -> HPyResult<bool> {
    Ok(match how {
        "s" => obj.has_attr(name.extract::<&str>()?),
        _ => obj.has_attr(name),
    })
}

#[hpy_method]
pub fn set_attr<'c>(
    obj: &Handle<'c>,
    name: &Handle<'c>,
    value: &Handle<'c>,
    how: &str,
) -> HPyResult<()> {
    match how {
        "s" => obj.set_attr(name.extract::<&str>()?, value),
        _ => obj.set_attr(name, value),
    }
}

#[hpy_method]
pub fn del_attr<'c>(obj: &Handle<'c>, name: &Handle<'c>, how: &str) -> HPyResult<()> {
    match how {
        "s" => obj.del_attr(name.extract::<&str>()?),
        _ => obj.del_attr(name),
    }
}

#[hpy_method]
pub fn get_item<'c>(obj: &Handle<'c>, key: &Handle<'c>, how: &str) -> HPyResult<Handle<'c>> {
    match how {
        "s" => obj.get_item(key.extract::<&str>()?),
        "i" => obj.get_item(key.extract::<isize>()?),
        _ => obj.get_item(key),
    }
}

#[hpy_method]
pub fn set_item<'c>(
    obj: &Handle<'c>,
    key: &Handle<'c>,
    value: &Handle<'c>,
    how: &str,
) -> HPyResult<()> {
    match how {
        "s" => obj.set_item(key.extract::<&str>()?, value),
        "i" => obj.set_item(key.extract::<isize>()?, value),
        _ => obj.set_item(key, value),
    }
}

#[hpy_method]
pub fn del_item<'c>(obj: &Handle<'c>, key: &Handle<'c>, how: &str) -> HPyResult<()> {
    match how {
        "s" => obj.del_item(key.extract::<&str>()?),
        "i" => obj.del_item(key.extract::<isize>()?),
        _ => obj.del_item(key),
    }
}

#[hpy_method]
pub fn length(obj: &Handle<'_>) -> HPyResult<usize> {
    obj.len()
}

#[hpy_method]
pub fn contains(container: &Handle<'_>, value: &Handle<'_>) -> HPyResult<bool> {
    container.contains(value)
}

#[hpy_method]
pub fn type_of<'c>(obj: &Handle<'c>) -> Type<'c> {
    obj.get_type()
}

#[hpy_method]
pub fn type_check(obj: &Handle<'_>, ty: &Handle<'_>) -> bool {
    obj.type_check(ty)
}

#[hpy_method]
pub fn is_subtype<'c>(sub: &Type<'c>, sup: &Type<'c>) -> bool {
    sub.is_subtype(sup)
}

#[hpy_method]
pub fn type_name(ty: &Type<'_>) -> HPyResult<String> {
    ty.name()
}

#[hpy_method]
pub fn is_(a: &Handle<'_>, b: &Handle<'_>) -> bool {
    a.is(b)
}

#[hpy_method]
pub fn is_true(obj: &Handle<'_>) -> HPyResult<bool> {
    obj.is_true()
}

/// `how` is one of repr, str, ascii, bytes.
#[hpy_method]
pub fn to_text<'c>(obj: &Handle<'c>, how: &str) -> HPyResult<Handle<'c>> {
    match how {
        "repr" => obj.repr(),
        "str" => obj.str(),
        "ascii" => obj.ascii(),
        _ => obj.bytes(),
    }
}

fn op(name: &str) -> HPyResult<CompareOp> {
    Ok(match name {
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        "==" => CompareOp::Eq,
        "!=" => CompareOp::Ne,
        ">" => CompareOp::Gt,
        ">=" => CompareOp::Ge,
        _ => return Err(HPyErr::value_error("unknown operator")),
    })
}

#[hpy_method]
pub fn compare<'c>(a: &Handle<'c>, b: &Handle<'c>, operator: &str) -> HPyResult<Handle<'c>> {
    a.compare(b, op(operator)?)
}

#[hpy_method]
pub fn compare_bool(a: &Handle<'_>, b: &Handle<'_>, operator: &str) -> HPyResult<bool> {
    a.compare_bool(b, op(operator)?)
}

#[hpy_method]
pub fn hash(obj: &Handle<'_>) -> HPyResult<isize> {
    obj.hash()
}

#[hpy_method]
pub fn dump(obj: &Handle<'_>) {
    obj.dump()
}
