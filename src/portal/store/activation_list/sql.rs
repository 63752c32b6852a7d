//! SQL text with its bound arguments, in each backend's placeholder style: the builder
//! every list query of the store uses.

/// A bound value; each backend turns it into its driver's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    /// A list of ids: SQLite binds one `?` per id, PostgreSQL one array.
    Ints(Vec<i64>),
}

/// SQL text with its arguments, in the backend's placeholder style.
#[derive(Debug, Clone)]
pub struct Query {
    pub sql: String,
    pub args: Vec<Arg>,
}

/// Which placeholders the backend's driver takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `?`, lists as `IN (?, ?, …)`.
    Sqlite,
    /// `$1`, lists as `= ANY($n)`.
    Postgres,
}

pub(crate) struct Builder {
    dialect: Dialect,
    args: Vec<Arg>,
}

impl Builder {
    pub(crate) fn new(dialect: Dialect) -> Builder {
        Builder {
            dialect,
            args: Vec::new(),
        }
    }

    pub(crate) fn bind(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        match self.dialect {
            Dialect::Sqlite => "?".into(),
            Dialect::Postgres => format!("${}", self.args.len()),
        }
    }

    pub(crate) fn in_list(&mut self, column: &str, ids: &[i64]) -> String {
        match self.dialect {
            Dialect::Sqlite => {
                let marks = ids
                    .iter()
                    .map(|id| self.bind(Arg::Int(*id)))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{column} IN ({marks})")
            }
            Dialect::Postgres => {
                let mark = self.bind(Arg::Ints(ids.to_vec()));
                format!("{column} = ANY({mark})")
            }
        }
    }

    pub(crate) fn finish(self, sql: String) -> Query {
        Query {
            sql,
            args: self.args,
        }
    }
}

pub(super) fn where_sql(conditions: &[String]) -> String {
    if conditions.is_empty() {
        "1 = 1".to_string()
    } else {
        conditions.join(" AND ")
    }
}
