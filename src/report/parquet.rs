//! Parquet copies of codes.csv, counts.csv, theme_frequencies.csv and
//! closed_answers.csv, for pandas, polars, DuckDB and Spark (`--parquet`).
//!
//! Each Parquet file is a typed copy of the CSV of the same name: the same rows in the
//! same order and the same column names, with counts and offsets as `INT64`,
//! percentages as `DOUBLE` (the values the CSV shows) and text as UTF-8 `STRING`. An
//! empty CSV cell in a nullable column (a code's `line` without one, a theme's
//! `parent`, an interval with no base) is a null. This module owns the column types;
//! which rows and values exist is the CSV writers' business (`codes.rs`, `csv.rs`).
//!
//! Why copies of the committed CSVs rather than a [`ReportWriter`]: codes.csv holds a
//! row per code and can be far larger than memory should hold (the design of the
//! workbook's Codes sheet, see `xlsx.rs`). So [`write()`] runs after the CSVs are in
//! place and reads each back in bounded batches, one row group of at most
//! [`ROW_GROUP_ROWS`] rows (or about [`ROW_GROUP_BYTES`] of text) at a time: memory
//! stays flat on millions of codes. One path for all four files also means the Parquet
//! cannot disagree with the CSV, and merged shards, whose CSVs are byte-identical to
//! a whole run's, give byte-identical Parquet.
//!
//! The bytes are deterministic: Parquet's footer holds no timestamp, the writer adds no
//! key-value metadata, and `created_by` names only the writer library and its version
//! (`parquet-rs version 60.1.0`). Pages are compressed with snappy, from the pure-Rust
//! `snap` crate (no C toolchain), which every Parquet reader supports.
//!
//! The encoder is behind the `parquet` cargo feature (on by default); without it,
//! [`ensure_available`] and [`write()`] refuse with a usage error.
//!
//! [`ReportWriter`]: super::ReportWriter

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The files `--parquet` adds, in the order they are written (counts.parquet only
/// with the counts measure).
pub const FILE_NAMES: [&str; 4] =
    ["codes.parquet", "counts.parquet", "theme_frequencies.parquet", "closed_answers.parquet"];

/// Most rows in a row group (64k: large enough for readers to scan efficiently, small
/// enough to hold in memory while it is built).
pub const ROW_GROUP_ROWS: usize = 1 << 16;

/// A row group is also closed once its text reaches about this many bytes, so very long
/// answers cannot make one large.
pub const ROW_GROUP_BYTES: usize = 64 << 20;

/// Whether this build can write Parquet (the `parquet` cargo feature).
pub const AVAILABLE: bool = cfg!(feature = "parquet");

/// Fails with a usage error if this build cannot write Parquet.
pub fn ensure_available() -> Result<()> {
    if AVAILABLE {
        Ok(())
    } else {
        Err(Error::Usage(
            "--parquet: this codeframe was built without Parquet support; rebuild it with the `parquet` \
             feature (on by default: drop --no-default-features)"
                .into(),
        ))
    }
}

/// Writes the Parquet copies of the committed CSVs in `dir`: codes.parquet,
/// counts.parquet (if `counts`), theme_frequencies.parquet and closed_answers.parquet.
/// Returns the files written, in order.
pub fn write(dir: &Path, counts: bool) -> Result<Vec<PathBuf>> {
    ensure_available()?;
    #[cfg(feature = "parquet")]
    {
        let mut files = Vec::new();
        for table in encode::TABLES.iter().filter(|t| counts || t.csv != "counts.csv") {
            files.push(encode::convert(table, dir, ROW_GROUP_ROWS)?);
        }
        Ok(files)
    }
    #[cfg(not(feature = "parquet"))]
    {
        let _ = (dir, counts);
        Ok(Vec::new())
    }
}

#[cfg(feature = "parquet")]
mod encode {
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use parquet::basic::Compression;
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
    use parquet::errors::ParquetError;
    use parquet::file::properties::{WriterProperties, WriterVersion};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    use super::ROW_GROUP_BYTES;
    use crate::error::{Error, Location, Result};
    use crate::report::AtomicFile;
    use crate::report::codes::{CODES_HEADER, COUNTS_HEADER};

    /// A column's type: its Parquet physical type, and whether it may be null.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Kind {
        /// `BYTE_ARRAY (STRING)`, required.
        Text,
        /// `BYTE_ARRAY (STRING)`, an empty cell is null.
        OptText,
        /// `INT64`, required.
        Int,
        /// `INT64`, an empty cell is null.
        OptInt,
        /// `DOUBLE`, required.
        Float,
        /// `DOUBLE`, an empty cell is null.
        OptFloat,
    }

    impl Kind {
        fn nullable(self) -> bool {
            matches!(self, Kind::OptText | Kind::OptInt | Kind::OptFloat)
        }

        fn physical(self) -> &'static str {
            match self {
                Kind::Text | Kind::OptText => "BYTE_ARRAY",
                Kind::Int | Kind::OptInt => "INT64",
                Kind::Float | Kind::OptFloat => "DOUBLE",
            }
        }
    }

    use Kind::{Float, Int, OptFloat, OptInt, OptText, Text};

    /// A CSV and the Parquet file made from it.
    pub(super) struct Table {
        /// The CSV read back.
        pub csv: &'static str,
        /// The Parquet file written.
        pub parquet: &'static str,
        /// Column names (the CSV's header, in order).
        pub names: &'static [&'static str],
        /// Column types, one per name.
        pub kinds: &'static [Kind],
    }

    const CODES_KINDS: [Kind; CODES_HEADER.len()] = [Text, Text, Text, Int, Text, OptInt, Text, Int, Int, Text];
    const COUNTS_KINDS: [Kind; COUNTS_HEADER.len()] = [Text, Text, Text, Int, Int, Int, Float];
    const THEME_FREQUENCIES: [(&str, Kind); 17] = [
        ("question", Text),
        ("theme", Text),
        ("label", Text),
        ("parent", OptText),
        ("count", Int),
        ("respondents", Int),
        ("answered", Int),
        ("pct_respondents", OptFloat),
        ("pct_answered", OptFloat),
        ("occurrences", Int),
        ("matched_words", Int),
        ("words", Int),
        ("per_100_words", OptFloat),
        ("ci_low", OptFloat),
        ("ci_high", OptFloat),
        ("ci_low_answered", OptFloat),
        ("ci_high_answered", OptFloat),
    ];
    const CLOSED_ANSWERS: [(&str, Kind); 7] = [
        ("question", Text),
        ("option", Text),
        ("count", Int),
        ("base", Int),
        ("pct", OptFloat),
        ("answered", OptInt),
        ("pct_answered", OptFloat),
    ];

    const fn names<const N: usize>(columns: &[(&'static str, Kind); N]) -> [&'static str; N] {
        let mut out = [""; N];
        let mut i = 0;
        while i < N {
            out[i] = columns[i].0;
            i += 1;
        }
        out
    }

    const fn kinds<const N: usize>(columns: &[(&'static str, Kind); N]) -> [Kind; N] {
        let mut out = [Text; N];
        let mut i = 0;
        while i < N {
            out[i] = columns[i].1;
            i += 1;
        }
        out
    }

    /// The tables, in [`super::FILE_NAMES`] order.
    pub(super) const TABLES: [Table; 4] = [
        Table { csv: "codes.csv", parquet: "codes.parquet", names: &CODES_HEADER, kinds: &CODES_KINDS },
        Table { csv: "counts.csv", parquet: "counts.parquet", names: &COUNTS_HEADER, kinds: &COUNTS_KINDS },
        Table {
            csv: "theme_frequencies.csv",
            parquet: "theme_frequencies.parquet",
            names: &names(&THEME_FREQUENCIES),
            kinds: &kinds(&THEME_FREQUENCIES),
        },
        Table {
            csv: "closed_answers.csv",
            parquet: "closed_answers.parquet",
            names: &names(&CLOSED_ANSWERS),
            kinds: &kinds(&CLOSED_ANSWERS),
        },
    ];

    impl Table {
        /// The Parquet schema, in the message-type syntax.
        pub(super) fn message_type(&self) -> String {
            let name = self.parquet.trim_end_matches(".parquet");
            let mut s = format!("message {name} {{\n");
            for (column, kind) in self.names.iter().zip(self.kinds) {
                let repetition = if kind.nullable() { "OPTIONAL" } else { "REQUIRED" };
                let logical = if kind.physical() == "BYTE_ARRAY" { " (STRING)" } else { "" };
                // Writing to a String cannot fail.
                let _ = writeln!(s, "  {repetition} {} {column}{logical};", kind.physical());
            }
            s.push('}');
            s
        }
    }

    /// Values of one column in the row group being built.
    enum Values {
        Text(Vec<ByteArray>),
        Int(Vec<i64>),
        Float(Vec<f64>),
    }

    /// One column's buffer: its values, and for a nullable column a definition level per
    /// row (1 present, 0 null; nulls have no value).
    struct Column {
        kind: Kind,
        values: Values,
        defs: Option<Vec<i16>>,
    }

    impl Column {
        fn new(kind: Kind) -> Column {
            let values = match kind {
                Kind::Text | Kind::OptText => Values::Text(Vec::new()),
                Kind::Int | Kind::OptInt => Values::Int(Vec::new()),
                Kind::Float | Kind::OptFloat => Values::Float(Vec::new()),
            };
            Column { kind, values, defs: kind.nullable().then(Vec::new) }
        }

        /// Appends a CSV cell; returns the bytes of text it added, or what is wrong with it.
        fn push(&mut self, cell: &[u8]) -> std::result::Result<usize, String> {
            if let Some(defs) = &mut self.defs {
                if cell.is_empty() {
                    defs.push(0);
                    return Ok(0);
                }
                defs.push(1);
            }
            let text = std::str::from_utf8(cell).map_err(|_| "invalid UTF-8".to_string())?;
            match &mut self.values {
                Values::Text(v) => {
                    v.push(ByteArray::from(cell.to_vec()));
                    Ok(cell.len())
                }
                Values::Int(v) => {
                    v.push(text.parse().map_err(|_| format!("{text:?} is not a whole number"))?);
                    Ok(0)
                }
                Values::Float(v) => {
                    v.push(text.parse().map_err(|_| format!("{text:?} is not a number"))?);
                    Ok(0)
                }
            }
        }

        fn clear(&mut self) {
            *self = Column::new(self.kind);
        }
    }

    /// Reads `table.csv` from `dir` and writes `table.parquet` next to it, in row groups
    /// of at most `group_rows` rows.
    pub(super) fn convert(table: &Table, dir: &Path, group_rows: usize) -> Result<PathBuf> {
        let source = dir.join(table.csv);
        let target = dir.join(table.parquet);
        let csv_err = |e: csv::Error| Error::csv(&source, e);
        let file = std::fs::File::open(&source).map_err(|e| Error::io(&source, e))?;
        let mut reader = csv::ReaderBuilder::new().from_reader(std::io::BufReader::with_capacity(1 << 16, file));
        let header = reader.byte_headers().map_err(csv_err)?;
        if header.iter().ne(table.names.iter().map(|n| n.as_bytes())) {
            let found: Vec<String> = header.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
            return Err(Error::input(
                Location::file(&source).at_line(1),
                format!("columns {found:?}, expected {:?}: not a codeframe {} of this version", table.names, table.csv),
            ));
        }
        let pq_err = |e: ParquetError| Error::io(&target, std::io::Error::other(e));
        let schema = Arc::new(parse_message_type(&table.message_type()).map_err(pq_err)?);
        let properties = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                // Data page v1: the version every reader supports.
                .set_writer_version(WriterVersion::PARQUET_1_0)
                .build(),
        );
        let mut file = AtomicFile::create(&target)?;
        {
            let mut writer = SerializedFileWriter::new(file.writer(), schema, properties).map_err(pq_err)?;
            let mut columns: Vec<Column> = table.kinds.iter().map(|&k| Column::new(k)).collect();
            let (mut rows, mut bytes) = (0usize, 0usize);
            let mut record = csv::ByteRecord::new();
            while reader.read_byte_record(&mut record).map_err(csv_err)? {
                let line = record.position().map_or(0, |p| p.line());
                for (i, column) in columns.iter_mut().enumerate() {
                    let cell = record.get(i).unwrap_or(b"");
                    bytes += column.push(cell).map_err(|message| {
                        Error::input(Location::file(&source).at_line(line).at_column(table.names[i]), message)
                    })?;
                }
                rows += 1;
                if rows >= group_rows || bytes >= ROW_GROUP_BYTES {
                    write_row_group(&mut writer, &mut columns).map_err(pq_err)?;
                    (rows, bytes) = (0, 0);
                }
            }
            if rows > 0 {
                write_row_group(&mut writer, &mut columns).map_err(pq_err)?;
            }
            writer.close().map_err(pq_err)?;
        }
        file.commit()?;
        Ok(target)
    }

    /// Writes the buffered rows as one row group and empties the buffers.
    fn write_row_group<W: std::io::Write + Send>(
        writer: &mut SerializedFileWriter<W>,
        columns: &mut [Column],
    ) -> parquet::errors::Result<()> {
        let mut group = writer.next_row_group()?;
        for column in columns.iter_mut() {
            let mut out =
                group.next_column()?.ok_or_else(|| ParquetError::General("the schema has fewer columns".into()))?;
            let defs = column.defs.as_deref();
            // The schema is built from the same kinds, so each typed writer matches.
            match &column.values {
                Values::Text(v) => out.typed::<ByteArrayType>().write_batch(v, defs, None)?,
                Values::Int(v) => out.typed::<Int64Type>().write_batch(v, defs, None)?,
                Values::Float(v) => out.typed::<DoubleType>().write_batch(v, defs, None)?,
            };
            out.close()?;
            column.clear();
        }
        group.close()?;
        Ok(())
    }
}

#[cfg(all(test, feature = "parquet"))]
mod tests {
    use super::encode::TABLES;
    use super::*;

    #[test]
    fn schemas_parse_with_string_logical_types() {
        for table in &TABLES {
            let t = ::parquet::schema::parser::parse_message_type(&table.message_type()).unwrap();
            assert_eq!(t.get_fields().len(), table.names.len(), "{}", table.csv);
        }
        expect_test::expect![[r#"
            message codes {
              REQUIRED BYTE_ARRAY respondent_id (STRING);
              REQUIRED BYTE_ARRAY question (STRING);
              REQUIRED BYTE_ARRAY theme (STRING);
              REQUIRED INT64 hits;
              REQUIRED BYTE_ARRAY entry (STRING);
              OPTIONAL INT64 line;
              REQUIRED BYTE_ARRAY matched (STRING);
              REQUIRED INT64 start;
              REQUIRED INT64 end;
              REQUIRED BYTE_ARRAY spans (STRING);
            }"#]]
        .assert_eq(&TABLES[0].message_type());
    }

    #[test]
    fn file_names_follow_the_tables() {
        let names: Vec<&str> = TABLES.iter().map(|t| t.parquet).collect();
        assert_eq!(names, FILE_NAMES);
        for t in &TABLES {
            assert_eq!(t.names.len(), t.kinds.len());
            assert_eq!(t.csv.trim_end_matches(".csv"), t.parquet.trim_end_matches(".parquet"));
        }
    }

    #[test]
    fn a_cell_that_is_not_a_number_names_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = CODES_HEADER_LINE.to_string();
        csv.push_str("r1,q1,t1,1,word,3,word,0,4,0-4\nr2,q1,t1,two,word,,word,0,4,0-4\n");
        std::fs::write(dir.path().join("codes.csv"), csv).unwrap();
        let e = encode::convert(&TABLES[0], dir.path(), ROW_GROUP_ROWS).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}:3 (column \"hits\"): \"two\" is not a whole number", dir.path().join("codes.csv").display())
        );
        assert!(!dir.path().join("codes.parquet").exists(), "nothing is left behind");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_csv_with_other_columns_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("codes.csv"), "row,respondent_id\n1,r1\n").unwrap();
        let e = encode::convert(&TABLES[0], dir.path(), ROW_GROUP_ROWS).unwrap_err();
        assert!(e.to_string().contains("not a codeframe codes.csv"), "{e}");
    }

    /// Row groups split where `group_rows` says, and the file reads back whole.
    #[test]
    fn rows_span_row_groups_in_order() {
        use ::parquet::file::reader::{FileReader, SerializedFileReader};
        use ::parquet::record::Field;

        let dir = tempfile::tempdir().unwrap();
        let mut csv = CODES_HEADER_LINE.to_string();
        for i in 0..10 {
            let line = if i % 3 == 0 { String::new() } else { i.to_string() };
            csv.push_str(&format!("r{i},q1,\"t,{i}\",{i},word,{line},wörd,{i},{},{i}-{}\n", i + 4, i + 4));
        }
        std::fs::write(dir.path().join("codes.csv"), &csv).unwrap();
        let path = encode::convert(&TABLES[0], dir.path(), 4).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let groups: Vec<i64> = reader.metadata().row_groups().iter().map(|g| g.num_rows()).collect();
        assert_eq!(groups, [4, 4, 2]);
        let rows: Vec<_> = reader.get_row_iter(None).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 10);
        for (i, row) in rows.iter().enumerate() {
            let fields: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
            assert_eq!(fields[0], &Field::Str(format!("r{i}")));
            assert_eq!(fields[2], &Field::Str(format!("t,{i}")));
            assert_eq!(fields[3], &Field::Long(i as i64));
            let line = if i % 3 == 0 { Field::Null } else { Field::Long(i as i64) };
            assert_eq!(fields[5], &line);
            assert_eq!(fields[6], &Field::Str("wörd".into()));
            assert_eq!(fields[8], &Field::Long(i as i64 + 4));
        }
    }

    const CODES_HEADER_LINE: &str = "respondent_id,question,theme,hits,entry,line,matched,start,end,spans\n";
}
