//! Agreement between the pipeline's codes and human codes ("gold").
//!
//! Units are answers: one per respondent and open question whose answer is not
//! empty. For each question and theme that applies to it, every unit is a binary
//! decision (theme asserted or not) by two coders, the pipeline and the human.
//! From the 2x2 table come precision, recall, F1, Cohen's kappa, Krippendorff's
//! alpha (nominal, two coders, no missing values) and the prevalence in each coding.

use std::collections::{BTreeMap, BTreeSet};

/// A 2x2 agreement table for one question and theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Confusion {
    /// Both code the theme.
    pub tp: u64,
    /// Only the pipeline codes it.
    pub fp: u64,
    /// Only the human codes it.
    pub fn_: u64,
    /// Neither codes it.
    pub tn: u64,
}

impl Confusion {
    /// Units.
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.fn_ + self.tn
    }

    /// TP / (TP + FP); `None` when nothing was coded.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// TP / (TP + FN); `None` when the gold has no positive.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// 2TP / (2TP + FP + FN); `None` when neither coder has a positive.
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// Cohen's kappa; `None` when chance agreement is 1 (one category only).
    pub fn kappa(&self) -> Option<f64> {
        let n = self.n() as f64;
        if n == 0.0 {
            return None;
        }
        let po = (self.tp + self.tn) as f64 / n;
        let yes_codes = (self.tp + self.fp) as f64;
        let yes_gold = (self.tp + self.fn_) as f64;
        let pe = (yes_codes * yes_gold + (n - yes_codes) * (n - yes_gold)) / (n * n);
        if (1.0 - pe).abs() < 1e-12 { None } else { Some((po - pe) / (1.0 - pe)) }
    }

    /// Krippendorff's alpha for nominal data, two coders, no missing values:
    /// `1 - (n - 1) * d / (n0 * n1)` with `n = 2N` pairable values, `d` the
    /// disagreeing units and `n0`, `n1` the counts of each value. `None` when only
    /// one value occurs.
    pub fn alpha(&self) -> Option<f64> {
        let n = 2 * self.n();
        let ones = 2 * self.tp + self.fp + self.fn_;
        let zeros = n - ones;
        if ones == 0 || zeros == 0 {
            return None;
        }
        let d = (self.fp + self.fn_) as f64;
        Some(1.0 - (n as f64 - 1.0) * d / (zeros as f64 * ones as f64))
    }

    /// Share of units the human coded with the theme.
    pub fn prevalence_gold(&self) -> Option<f64> {
        ratio(self.tp + self.fn_, self.n())
    }

    /// Share of units the pipeline coded with the theme.
    pub fn prevalence_codes(&self) -> Option<f64> {
        ratio(self.tp + self.fp, self.n())
    }

    /// Adds another table (for micro averages).
    pub fn add(&mut self, o: &Confusion) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.tn += o.tn;
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// A unit: (respondent id, question id).
pub type Unit = (String, String);

/// Whether a (question, theme) pair is a false positive or a false negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Disagreement {
    /// The pipeline coded it, the human did not.
    FalsePositive,
    /// The human coded it, the pipeline did not.
    FalseNegative,
}

/// Agreement over all questions and themes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Agreement {
    /// Per (question, theme), in question order then theme id.
    pub rows: Vec<((String, String), Confusion)>,
    /// Every disagreement: unit, theme, kind.
    pub disagreements: Vec<(Unit, String, Disagreement)>,
    /// Gold codes on units that are not in the data (unknown respondent, or an empty answer).
    pub gold_outside_units: Vec<(Unit, String)>,
}

impl Agreement {
    /// Compares `codes` with `gold` over `units`, for each question's `themes`.
    ///
    /// `questions` lists question ids in order with the theme ids that apply to each.
    pub fn compute(
        questions: &[(String, Vec<String>)],
        units: &BTreeSet<Unit>,
        codes: &BTreeSet<(Unit, String)>,
        gold: &BTreeSet<(Unit, String)>,
    ) -> Agreement {
        let mut a = Agreement::default();
        for (q, themes) in questions {
            let mut themes: Vec<&String> = themes.iter().collect();
            // themes the gold uses on this question but the lexicon lacks still count
            let extra: BTreeSet<&String> =
                gold.iter().filter(|((_, gq), t)| gq == q && !themes.contains(&t)).map(|(_, t)| t).collect();
            themes.extend(extra);
            themes.sort();
            for theme in themes {
                let mut c = Confusion::default();
                for unit in units.iter().filter(|(_, uq)| uq == q) {
                    let key = (unit.clone(), theme.clone());
                    match (codes.contains(&key), gold.contains(&key)) {
                        (true, true) => c.tp += 1,
                        (true, false) => {
                            c.fp += 1;
                            a.disagreements.push((unit.clone(), theme.clone(), Disagreement::FalsePositive));
                        }
                        (false, true) => {
                            c.fn_ += 1;
                            a.disagreements.push((unit.clone(), theme.clone(), Disagreement::FalseNegative));
                        }
                        (false, false) => c.tn += 1,
                    }
                }
                a.rows.push(((q.clone(), theme.clone()), c));
            }
        }
        a.gold_outside_units = gold.iter().filter(|(u, _)| !units.contains(u)).cloned().collect();
        a
    }

    /// All tables added together.
    pub fn micro(&self) -> Confusion {
        let mut total = Confusion::default();
        for (_, c) in &self.rows {
            total.add(c);
        }
        total
    }

    /// Mean of per-row F1 over rows where either coder has a positive.
    pub fn macro_f1(&self) -> Option<f64> {
        mean(self.rows.iter().filter_map(|(_, c)| c.f1()))
    }

    /// Mean precision over rows where the pipeline coded something.
    pub fn macro_precision(&self) -> Option<f64> {
        mean(self.rows.iter().filter_map(|(_, c)| c.precision()))
    }

    /// Mean recall over rows where the gold has a positive.
    pub fn macro_recall(&self) -> Option<f64> {
        mean(self.rows.iter().filter_map(|(_, c)| c.recall()))
    }

    /// Mean kappa over rows where it is defined.
    pub fn macro_kappa(&self) -> Option<f64> {
        mean(self.rows.iter().filter_map(|(_, c)| c.kappa()))
    }

    /// Rows by (question, theme).
    pub fn row(&self, question: &str, theme: &str) -> Option<&Confusion> {
        self.rows.iter().find(|((q, t), _)| q == question && t == theme).map(|(_, c)| c)
    }

    /// F1 per theme id, pooled across the questions it applies to.
    pub fn by_theme(&self) -> BTreeMap<String, Confusion> {
        let mut out: BTreeMap<String, Confusion> = BTreeMap::new();
        for ((_, t), c) in &self.rows {
            out.entry(t.clone()).or_default().add(c);
        }
        out
    }
}

fn mean(it: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = it.collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("defined");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn hand_computed_table() {
        // 20 units: TP 6, FP 2, FN 3, TN 9.
        let c = Confusion { tp: 6, fp: 2, fn_: 3, tn: 9 };
        close(c.precision(), 0.75);
        close(c.recall(), 6.0 / 9.0);
        close(c.f1(), 12.0 / 17.0);
        // po = 15/20 = 0.75; pe = (8*9 + 12*11)/400 = 204/400 = 0.51; kappa = 0.24/0.49
        close(c.kappa(), 0.24 / 0.49);
        // n = 40 values, ones = 2*6+2+3 = 17, zeros = 23, d = 5: alpha = 1 - 39*5/(23*17)
        close(c.alpha(), 1.0 - 195.0 / 391.0);
        close(c.prevalence_gold(), 9.0 / 20.0);
        close(c.prevalence_codes(), 8.0 / 20.0);
    }

    #[test]
    fn krippendorff_textbook_example() {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section A:
        // binary data, two observers, 10 units: values
        // A = 0 1 0 0 0 0 0 0 1 0, B = 1 1 1 0 0 1 0 0 0 0  ->  alpha = 0.095
        // In 2x2 terms (A as "codes", B as "gold"): TP 1, FP 1, FN 3, TN 5.
        let c = Confusion { tp: 1, fp: 1, fn_: 3, tn: 5 };
        assert!((c.alpha().unwrap() - 0.095).abs() < 0.0005, "{:?}", c.alpha());
    }

    #[test]
    fn degenerate_tables() {
        let none = Confusion { tp: 0, fp: 0, fn_: 0, tn: 10 };
        assert_eq!(
            (none.precision(), none.recall(), none.f1(), none.kappa(), none.alpha()),
            (None, None, None, None, None)
        );
        let perfect = Confusion { tp: 4, fp: 0, fn_: 0, tn: 6 };
        close(perfect.kappa(), 1.0);
        close(perfect.alpha(), 1.0);
    }

    fn unit(r: &str, q: &str) -> Unit {
        (r.to_string(), q.to_string())
    }

    #[test]
    fn compute_counts_per_question_and_theme() {
        let questions = vec![("q1".to_string(), vec!["a".to_string(), "b".to_string()])];
        let units: BTreeSet<Unit> = [unit("1", "q1"), unit("2", "q1"), unit("3", "q1")].into();
        let codes: BTreeSet<(Unit, String)> = [(unit("1", "q1"), "a".into()), (unit("2", "q1"), "a".into())].into();
        let gold: BTreeSet<(Unit, String)> = [
            (unit("1", "q1"), "a".into()),
            (unit("3", "q1"), "b".into()),
            (unit("9", "q1"), "a".into()),
            (unit("3", "q1"), "zz".into()),
        ]
        .into();
        let a = Agreement::compute(&questions, &units, &codes, &gold);
        assert_eq!(a.row("q1", "a"), Some(&Confusion { tp: 1, fp: 1, fn_: 0, tn: 1 }));
        assert_eq!(a.row("q1", "b"), Some(&Confusion { tp: 0, fp: 0, fn_: 1, tn: 2 }));
        assert_eq!(a.row("q1", "zz"), Some(&Confusion { tp: 0, fp: 0, fn_: 1, tn: 2 }));
        assert_eq!(a.gold_outside_units, [(unit("9", "q1"), "a".to_string())]);
        assert_eq!(a.disagreements.len(), 3);
        close(a.macro_f1(), (2.0 / 3.0) / 3.0);
    }
}
