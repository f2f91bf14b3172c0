//! Parameter trees addressed by dotted key paths (`measures.fencing.intensity`): look a value
//! up, set one, list the leaves, merge one tree onto another. Experiment files, overrides,
//! designs, sensitivity points and scenarios.csv all use these.

use toml::{Table, Value};

/// The value at a dotted key path.
pub fn lookup<'t>(table: &'t Table, key: &str) -> Option<&'t Value> {
    let path: Vec<&str> = key.split('.').collect();
    lookup_path(table, &path)
}

/// The value at a key path given segment by segment.
pub fn lookup_path<'t, S: AsRef<str>>(table: &'t Table, path: &[S]) -> Option<&'t Value> {
    let (first, rest) = path.split_first()?;
    let mut v = table.get(first.as_ref())?;
    for seg in rest {
        v = v.as_table()?.get(seg.as_ref())?;
    }
    Some(v)
}

/// Sets the value at `path`, creating tables on the way. Fails with the index of the segment
/// that holds a value where a table would have to be (nothing is changed then).
pub fn set<S: AsRef<str>>(table: &mut Table, path: &[S], value: Value) -> Result<(), usize> {
    let (last, parents) = path.split_last().expect("key paths are not empty");
    let mut t = table;
    for (i, seg) in parents.iter().enumerate() {
        let entry = t
            .entry(seg.as_ref().to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        t = entry.as_table_mut().ok_or(i)?;
    }
    t.insert(last.as_ref().to_string(), value);
    Ok(())
}

/// Sets the value at a dotted key path, as [`set`].
pub fn set_key(table: &mut Table, key: &str, value: Value) -> Result<(), usize> {
    let path: Vec<&str> = key.split('.').collect();
    set(table, &path, value)
}

/// Every leaf of a table as (dotted key, value), in table order.
pub fn leaves(table: &Table) -> Vec<(String, Value)> {
    fn walk(t: &Table, prefix: &str, out: &mut Vec<(String, Value)>) {
        for (k, v) in t {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                Value::Table(inner) => walk(inner, &key, out),
                _ => out.push((key, v.clone())),
            }
        }
    }
    let mut out = Vec::new();
    walk(table, "", &mut out);
    out
}

/// Merges `over` into `base` by key path: tables merge, values replace.
pub fn merge(base: &mut Table, over: &Table) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_creates_tables_and_refuses_to_pass_through_a_value() {
        let mut t = Table::new();
        set_key(&mut t, "a.b.c", Value::Integer(1)).unwrap();
        assert_eq!(lookup(&t, "a.b.c"), Some(&Value::Integer(1)));
        assert_eq!(set_key(&mut t, "a.b.c.d", Value::Integer(2)), Err(2));
        assert_eq!(lookup(&t, "a.b.c"), Some(&Value::Integer(1)));
        let mut over = Table::new();
        set_key(&mut over, "a.x", Value::Boolean(true)).unwrap();
        merge(&mut t, &over);
        let keys: Vec<String> = leaves(&t).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a.b.c", "a.x"]);
    }
}
