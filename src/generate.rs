//! Reproducible benchmark data: a survey corpus of realistic free-text answers, lexicons
//! drawn from the same vocabulary, and the survey spec that reads the corpus.
//!
//! Everything here is deterministic: the vocabulary is fixed (built from embedded English
//! word lists, derived forms, typos, names, accented loanwords and pseudo-words), and a
//! seed picks the sample. Row `i` depends only on the seed and `i`, so the first N rows
//! of a bigger corpus are the N-row corpus of the same seed. Only IEEE basic arithmetic
//! and `sqrt` go into the distributions (no `ln`, `exp` or `powf`, whose last bits vary
//! between maths libraries), so a seed gives the same bytes on every platform.
//!
//! The corpus: word frequencies follow Zipf-Mandelbrot (`1/(r + 2.7)`) over the first
//! [`ZIPF_KNEE`] ranks and fall faster (`r^-2`) after it, so new word types keep
//! turning up as the corpus grows (Heaps' law) instead of all appearing in the first
//! rows. Answers are 0 to [`MAX_ANSWER_WORDS`] words with a long-tailed (log-logistic)
//! length, in sentences with commas, quotes, paragraphs and bullet lists; some cells are
//! empty or non-answers, some typed with smart punctuation (curly quotes), some with
//! accents, emoji and other non-ASCII text. Collocations (`legal aid`) are emitted as
//! units, so lexicon phrases match at realistic rates.
//!
//! This module writes bytes; it owns no matching logic and is not used by a run.

use std::collections::hash_map::Entry as MapEntry;
use std::io::{self, Write};

use rustc_hash::FxHashMap;

/// Most words in one generated answer.
pub const MAX_ANSWER_WORDS: usize = 900;

/// Rank after which word frequencies fall as `r^-2` instead of `r^-1`.
pub const ZIPF_KNEE: usize = 1_500;

/// Words in the fixed vocabulary. About 33,000 of them occur in 20,000 rows, 169,000 in
/// 1,000,000 rows (95 million words): new types keep turning up, as in real text.
pub const VOCABULARY_SIZE: usize = 250_000;

/// The open questions of the generated survey, in column order.
pub const OPEN_QUESTIONS: [&str; 4] = ["q1_text", "q2_text", "q3", "q4"];

/// Header of the generated corpus.
pub const CORPUS_HEADER: [&str; 7] = ["respondent_id", "respondent_type", "q1", "q1_text", "q2_text", "q3", "q4"];

/// Seed of the vocabulary itself (not the sample): fixed, so that any lexicon matches any corpus.
const VOCABULARY_SEED: u64 = 0x636f_6465_6672_616d;

/// A small, fast, deterministic pseudo-random generator (SplitMix64, Steele et al. 2014).
///
/// Good enough statistically for test data and trivially seeded per row; not for
/// anything that needs unpredictability.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// A generator for item `index` of stream `seed`: independent of every other item.
    pub fn for_item(seed: u64, index: u64) -> SplitMix64 {
        let mut g = SplitMix64::new(seed ^ index.wrapping_mul(0xD134_2543_DE82_EF95));
        g.next_u64();
        SplitMix64::new(g.next_u64() ^ index)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by Lemire's multiply-shift (bias below 2^-32 here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A number in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A discrete distribution over `0..n` from non-negative weights, sampled by binary
/// search over integer cumulative weights (exact and platform-independent).
#[derive(Clone, Debug)]
pub struct Discrete {
    cumulative: Vec<u64>,
}

impl Discrete {
    /// The distribution proportional to `weights` (at least one must be positive).
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Discrete {
        let weights: Vec<f64> = weights.into_iter().collect();
        let total: f64 = weights.iter().sum();
        let scale = (1u64 << 62) as f64 / total;
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w;
                (acc * scale) as u64
            })
            .collect();
        Discrete { cumulative }
    }

    /// Draws an index.
    pub fn sample(&self, rng: &mut SplitMix64) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0);
        let x = rng.below(total.max(1));
        self.cumulative.partition_point(|&c| c <= x).min(self.cumulative.len().saturating_sub(1))
    }

    /// The probability of index `i`.
    pub fn probability(&self, i: usize) -> f64 {
        let total = self.cumulative.last().copied().unwrap_or(1) as f64;
        let before = if i == 0 { 0 } else { self.cumulative[i - 1] };
        (self.cumulative[i] - before) as f64 / total
    }

    /// The mean of the index under this distribution.
    pub fn mean(&self) -> f64 {
        (0..self.cumulative.len()).map(|i| i as f64 * self.probability(i)).sum()
    }
}

/// The Zipf-Mandelbrot weight of rank `r` (0-based) with a faster-falling tail after the knee.
fn zipf_weight(r: usize, knee: usize) -> f64 {
    let w = 1.0 / (r as f64 + 2.7);
    if r <= knee { w } else { w * (knee as f64 / r as f64) }
}

/// The fixed vocabulary: word forms in rank order (most frequent first), and the phrase
/// inventory (collocations as sequences of word ranks).
#[derive(Debug)]
pub struct Vocabulary {
    words: Vec<Box<str>>,
    /// Words written with a capital wherever they appear (names, `I`).
    proper: Vec<bool>,
    phrases: Vec<Vec<u32>>,
    word_dist: Discrete,
    phrase_dist: Discrete,
}

impl Vocabulary {
    /// Builds the vocabulary (a few hundred milliseconds; build it once and share it).
    pub fn english() -> Vocabulary {
        let (words, proper) = build_words(VOCABULARY_SIZE);
        let index: FxHashMap<&str, u32> = words.iter().enumerate().map(|(i, w)| (&**w, i as u32)).collect();
        let phrases = build_phrases(&words, &index, &proper);
        let word_dist = Discrete::new((0..words.len()).map(|r| zipf_weight(r, ZIPF_KNEE)));
        let phrase_dist = Discrete::new((0..phrases.len()).map(|r| 1.0 / (r as f64 + 10.0)));
        Vocabulary { words, proper, phrases, word_dist, phrase_dist }
    }

    /// Number of word forms.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the vocabulary is empty (never, once built).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word of rank `r`, lowercase unless it is a name.
    pub fn word(&self, r: usize) -> &str {
        &self.words[r]
    }

    /// Number of phrases in the inventory.
    pub fn phrase_count(&self) -> usize {
        self.phrases.len()
    }

    /// The phrase of rank `r`, words joined by spaces.
    pub fn phrase(&self, r: usize) -> String {
        let words: Vec<&str> = self.phrases[r].iter().map(|&w| self.word(w as usize)).collect();
        words.join(" ")
    }
}

// ------------------------------------------------------------------------------------
// Word lists. COMMON is in rough frequency order (function words first); CONTENT is
// the vocabulary of public consultations and surveys; NAMES and LOANWORDS bring capitals
// and accents. Everything else is derived from these.

const COMMON: &str = r"
the and to of a i in that it is was for you be have not on with my they this but are as at
we he do so it's by or all if there their what from an would been can no about will more
don't when which one people them had our some just like were should very get who also has
me out think only other than up time because how even any could being into need know your
make these much many those years help where then still such made way there's most
go want never new well his her she him now take its really same through over before
after good work feel those better both while again every why doesn't didn't can't isn't
i'm support each under used does back police thing things first without against lot little
use last long since two found around find often give off too seems done whether able
part case cases ever already least however few always rather quite something nothing
sure enough going course between able come came put seen said say says told given
although own own kind here less important know knew think thought believe current local
person day days life home family children child service services system issue issues
order orders court victim victims stalking harassment protection behaviour perpetrator
perpetrators offence offences evidence report reported reporting contact risk support
law legal current existing new clear process processes understanding training officers
agencies agency action concern concerns problem problems example experience public
need needs needed should must may might shall cannot won't wasn't wouldn't couldn't
shouldn't haven't aren't weren't hasn't hadn't i've i'd i'll you're we're they're that's
what's let's who's it'll we've they've
right wrong different possible available certain further full whole general high low
great small large big real main early late hard easy best worse worst high higher lower
money cost costs time times year week month hours place area areas community communities
group groups member members number level levels rate state government council health
social care mental education school schools housing road roads transport business
staff job jobs pay paid fees fund funding resources plan plans policy policies
change changes changed result results decision decisions information data question
questions answer answers response responses view views reason reasons point points
matter matters fact facts side sides ways means end start started far near next last
little less most more lots several various whole own specific particular certain
clear clearly simply especially particularly probably perhaps maybe actually usually
generally currently recently already yet soon later today tomorrow yesterday
always sometimes often rarely seldom never almost quite rather pretty fairly too also
either neither nor both each every any some no none all most many few several
above below behind beside between beyond inside outside toward towards upon within
across along among around during except following including regarding despite
against until unless whereas though although however therefore moreover furthermore
instead otherwise meanwhile nevertheless indeed thus hence
";

const CONTENT: &str = r"
protect protected protecting safety safe unsafe danger dangerous fear afraid scared
anxiety anxious stress stressful worry worried trauma traumatic abuse abusive abuser
domestic violence violent threat threats threatening threatened intimidation intimidate
follow followed following watch watched watching monitor monitored monitoring track
tracking online social media facebook twitter instagram phone calls messages texts
email emails letters gifts unwanted obsessive obsession fixated fixation persistent
repeated pattern patterns escalate escalation escalating incident incidents complaint
complaints officer sergeant detective investigation investigate investigated arrest
arrested charge charged charges prosecution prosecute prosecuted conviction convicted
sentence sentenced sentencing prison custody bail conditions breach breached breaching
injunction injunctions restraining non-molestation civil criminal magistrates judge
judges solicitor solicitors lawyer lawyers barrister advice advise advised legal aid
application apply applied applying hearing hearings trial trials appeal appeals
justice injustice fair unfair fairness rights duty duties responsibility responsible
accountable accountability powers power enforce enforcement enforced enforceable
guidance guidelines procedure procedures protocol protocols framework legislation
act acts statute statutory section sections provision provisions measure measures
penalty penalties punishment punish punished fine fines deterrent deter deterred
treatment therapy therapist counselling counsellor programme programmes course courses
rehabilitation rehabilitate intervention interventions assessment assessments psychiatric
psychological psychologist diagnosis disorder illness wellbeing recovery recover
awareness aware unaware campaign campaigns leaflet leaflets website websites helpline
charity charities voluntary volunteer volunteers organisation organisations network
partnership partnerships coordinated coordination cooperation collaborate collaboration
specialist specialists expert experts expertise professional professionals practitioner
practitioners caseworker advocate advocates advocacy independent liaison multi-agency
consistency consistent inconsistent inconsistency postcode lottery patchy varies vary
delay delays delayed slow slowly quick quickly fast immediate immediately urgent urgently
time-consuming lengthy weeks months years costly expensive afford affordable unaffordable
burden burdensome onus pressure pressures exhausted exhausting frustrated frustrating
frustration angry anger upset upsetting distress distressing isolated isolation lonely
believe believed disbelief listen listened listening ignored ignore dismissed dismissive
serious seriously trivial minimised minimise taken recognise recognised recognition
identify identified identifying spot signs early stage stages low-level minor major
relationship relationships partner partners ex-partner ex-partners stranger strangers
neighbour neighbours colleague colleagues workplace employer employers employee
address addresses location locations house flat street streets town city village
area areas zone zones distance metres miles exclusion excluded banned ban bans prohibit
prohibited prohibition restriction restrictions restrict restricted requirement
requirements require required positive negative mandatory compulsory voluntary
attend attendance comply compliance non-compliance monitor tag tagging electronic
gps curfew curfews notification notify notified register registration database
records record recorded recording diary diaries log logs screenshot screenshots
proof prove proved proven witness witnesses statement statements testimony corroborate
gathering gather gathered collect collected collecting store stored storing digital
forensic forensics download downloaded device devices computer computers laptop
mobile smartphone app apps camera cameras cctv footage video videos photos photograph
tenant tenants landlord landlords rent rents repair repairs council housing estate
bus buses train trains station stations parking traffic congestion cycle cycling
pavement potholes pothole lighting litter rubbish bins recycling noise pollution
park parks playground library libraries leisure centre centres facilities amenity
doctor doctors gp surgery appointment appointments hospital hospitals nurse nurses
ambulance waiting list lists referral referrals clinic clinics pharmacy prescription
teacher teachers pupils students class classes exam exams homework uniform nursery
benefit benefits universal credit tax taxes council tax wages salary income pension
elderly older disabled disability accessible accessibility wheelchair carers carer
young youth teenagers parents parent mother father daughter son sister brother
friend friends neighbourhood residents resident consultation consulted proposal
proposals option options scheme schemes pilot trial budget budgets investment invest
value quality standard standards improve improved improvement improvements worse
better best outcome outcomes impact impacts effect effects effective effectively
ineffective efficiency efficient inefficient waste wasted transparent transparency
communication communicate communicated explain explained explanation confusing
confused confusion unclear complicated complex simple simpler straightforward
";

const NAMES: &str = r"
London Manchester Birmingham Leeds Glasgow Edinburgh Cardiff Belfast Bristol Liverpool
Newcastle Sheffield Nottingham Leicester Coventry Bradford Swansea Aberdeen Dundee
Inverness Norwich Exeter Plymouth Oxford Cambridge Brighton Southampton Portsmouth York
Kent Surrey Essex Devon Cornwall Yorkshire Lancashire Wales Scotland England Ireland
Britain UK NHS CPS DVLA HMRC DWP Ofsted Ofcom BBC ITV Google Facebook Amazon WhatsApp
John David Sarah Emma James Michael Paul Mark Claire Helen Laura Anna Peter Andrew
Chloé Zoë José Siân Seán Renée Noël André Hélène Łukasz Zofia Małgorzata Jürgen Søren
Björn Ångela Åsa François Amélie Inès Raphaël Gaël Dafydd Rhiannon Gwenllïan Ffion
Ciarán Niamh Aoife Pádraig Bríd Eóin Müller Schröder Böhm Núñez Peña Muñoz García
Gómez Pérez Fernández Sánchez Díaz Hernández Jiménez López Łódź Kraków Gdańsk Wrocław
Zürich Genève Montréal Québec Málaga Córdoba Sevilla São Paulo Köln München Düsseldorf
";

const LOANWORDS: &str = r"
café cafés naïve naïvety résumé fiancé fiancée cliché clichés déjà vu façade rôle
protégé entrée soufflé über doppelgänger señor jalapeño piñata smörgåsbord crème
brûlée décor débâcle élite coup détente exposé lamé passé risqué touché vis-à-vis
mêlée tête-à-tête naïveté àla carte purée sauté canapé consommé flambé frappé
";

/// Words that take no derivations (`unwouldly` is not a word anyone types).
const FUNCTION_WORDS: &str = r"
the and to of a i in that it is was for you be have not on with my they this but are as at we he do so by or
all if there their what from an would been can no about will more when which one them had our some just were
should very who also has me out only other than up because how even any could being into your these much many
those where then still such most his her she him now its over before after both while again every why each under
does too off since around whether here less rather quite something nothing already least however few always ever
often never though although yet either neither nor none above below behind beside between beyond inside outside
toward towards upon within across along among during except following including regarding despite against until
unless whereas therefore moreover furthermore instead otherwise meanwhile nevertheless indeed thus hence may might
must shall cannot perhaps maybe probably actually usually generally currently recently soon later sometimes rarely
seldom almost pretty fairly really same through well way whole own several various certain particular specific
enough far near next last first lot lots done able thing things said says told given seems
";

/// Derivations: suffix or prefix, and how much rarer the derived form is than its base.
const SUFFIXES: &[(&str, f64)] = &[
    ("s", 2.0),
    ("ed", 3.0),
    ("ing", 3.0),
    ("er", 6.0),
    ("ers", 10.0),
    ("ly", 8.0),
    ("ness", 20.0),
    ("ment", 25.0),
    ("ful", 30.0),
    ("less", 30.0),
    ("able", 25.0),
    ("ation", 40.0),
    ("ity", 50.0),
    ("ive", 50.0),
    ("ism", 80.0),
    ("ist", 60.0),
    ("ise", 60.0),
    ("ised", 70.0),
    ("ising", 90.0),
    ("al", 40.0),
    ("ally", 80.0),
    ("ic", 90.0),
];

const PREFIXES: &[(&str, f64)] = &[
    ("un", 30.0),
    ("re", 20.0),
    ("dis", 60.0),
    ("mis", 80.0),
    ("over", 60.0),
    ("under", 80.0),
    ("pre", 60.0),
    ("non", 80.0),
    ("anti", 150.0),
    ("co", 120.0),
    ("sub", 150.0),
    ("inter", 200.0),
    ("out", 150.0),
    ("counter", 300.0),
    ("semi", 300.0),
    ("multi", 300.0),
    ("post", 200.0),
    ("super", 300.0),
    ("hyper", 400.0),
];

const ONSETS: &[&str] = &[
    "b", "bl", "br", "c", "ch", "cl", "cr", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "h", "j", "k", "l", "m", "n",
    "p", "pl", "pr", "qu", "r", "s", "sc", "sh", "sk", "sl", "sm", "sn", "sp", "st", "str", "sw", "t", "th", "tr", "v",
    "w", "wh", "y", "z", "",
];
const NUCLEI: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou", "ie", "oa", "y"];
const CODAS: &[&str] = &[
    "", "", "b", "ck", "d", "ft", "g", "l", "ld", "lt", "m", "mp", "n", "nd", "ng", "nk", "nt", "p", "r", "rd", "rk",
    "rn", "rt", "s", "sh", "sk", "ss", "st", "t", "th", "x",
];

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// `base` + `suffix` with the common English spelling changes (drop `e`, `y` -> `i`).
fn suffixed(base: &str, suffix: &str) -> String {
    let b = base.as_bytes();
    let last = b[b.len() - 1];
    let before = if b.len() >= 2 { b[b.len() - 2] } else { b'a' };
    let vowel_suffix = suffix.as_bytes().first().is_some_and(|&c| is_vowel(c) || c == b'y');
    if suffix == "s" {
        return if matches!(last, b's' | b'x' | b'z') || base.ends_with("ch") || base.ends_with("sh") {
            format!("{base}es")
        } else if last == b'y' && !is_vowel(before) {
            format!("{}ies", &base[..base.len() - 1])
        } else {
            format!("{base}s")
        };
    }
    if last == b'e' && vowel_suffix {
        return format!("{}{suffix}", &base[..base.len() - 1]);
    }
    if last == b'y' && !is_vowel(before) && suffix != "ing" && suffix != "ism" {
        return format!("{}i{suffix}", &base[..base.len() - 1]);
    }
    format!("{base}{suffix}")
}

/// A deterministic jitter in `[0.5, 2)` for a string (so derived ranks interleave).
fn jitter(s: &str, salt: u64) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for b in s.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let mut g = SplitMix64::new(h);
    0.5 + 1.5 * g.unit()
}

fn build_words(size: usize) -> (Vec<Box<str>>, Vec<bool>) {
    // Candidates with a score: lower is more frequent. Base words keep their list order.
    let mut score: FxHashMap<String, f64> = FxHashMap::default();
    let add = |score: &mut FxHashMap<String, f64>, w: String, s: f64| match score.entry(w) {
        MapEntry::Occupied(mut e) => {
            if s < *e.get() {
                e.insert(s);
            }
        }
        MapEntry::Vacant(e) => {
            e.insert(s);
        }
    };
    let function: rustc_hash::FxHashSet<&str> = FUNCTION_WORDS.split_whitespace().collect();
    let mut bases: Vec<(String, f64)> = Vec::new();
    for (i, w) in COMMON.split_whitespace().chain(CONTENT.split_whitespace()).enumerate() {
        let s = if i < 700 { i as f64 + 1.0 } else { (i as f64 + 1.0) * 1.5 };
        add(&mut score, w.to_string(), s);
        if w.len() >= 4 && w.bytes().all(|b| b.is_ascii_lowercase()) && !function.contains(w) {
            bases.push((w.to_string(), s));
        }
    }
    for (i, w) in NAMES.split_whitespace().enumerate() {
        add(&mut score, w.to_string(), 300.0 + 40.0 * i as f64 * jitter(w, 1));
    }
    for (i, w) in LOANWORDS.split_whitespace().enumerate() {
        add(&mut score, w.to_string(), 2_000.0 + 300.0 * i as f64 * jitter(w, 2));
    }
    for n in 0..=120u32 {
        add(&mut score, n.to_string(), 60.0 + 25.0 * n as f64);
    }
    for y in 1950..=2026u32 {
        add(&mut score, y.to_string(), 400.0 + 40.0 * (2026 - y) as f64);
    }
    for (i, n) in
        [150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 2500, 3000, 5000, 10000, 20000, 50000].iter().enumerate()
    {
        let with_comma = if *n >= 1000 { format!("{},{:03}", n / 1000, n % 1000) } else { n.to_string() };
        add(&mut score, with_comma, 700.0 + 200.0 * i as f64);
    }
    for (i, s) in ["1st", "2nd", "3rd", "4th", "5th", "24hrs", "10am", "9am", "5pm", "24/7", "a&e", "e.g", "i.e", "etc"]
        .iter()
        .enumerate()
    {
        add(&mut score, s.to_string(), 500.0 + 300.0 * i as f64);
    }
    // Derived forms.
    let mut derived = Vec::new();
    for (b, s) in &bases {
        // `years` -> `yearsing` looks like no word: plurals take prefixes only.
        let plural = b.ends_with('s') && !b.ends_with("ss");
        for (suf, p) in SUFFIXES.iter().filter(|_| !plural) {
            derived.push((suffixed(b, suf), s * p));
        }
        for (pre, p) in PREFIXES {
            let w = format!("{pre}{b}");
            derived.push((w.clone(), s * p));
            for (suf, q) in SUFFIXES[..6].iter().filter(|_| !plural) {
                derived.push((suffixed(&w, suf), s * p * q));
            }
        }
    }
    // Typos of the most frequent words: a dropped letter, a swap, a doubled letter.
    for (b, s) in bases.iter().take(2_500) {
        let c: Vec<char> = b.chars().collect();
        let n = c.len();
        let mid = n / 2;
        let drop: String = c.iter().enumerate().filter(|(i, _)| *i != mid).map(|(_, c)| c).collect();
        let mut swap = c.clone();
        swap.swap(1, 2);
        let mut double = c.clone();
        double.insert(mid, c[mid]);
        for (k, t) in [drop, swap.into_iter().collect(), double.into_iter().collect()].into_iter().enumerate() {
            derived.push((t, s * (300.0 + 200.0 * k as f64)));
        }
    }
    for (w, s) in derived {
        let j = jitter(&w, 3);
        add(&mut score, w, s * j);
    }
    // Pseudo-words fill the deep tail.
    let mut rng = SplitMix64::new(VOCABULARY_SEED);
    let mut k = 0u64;
    while score.len() < size {
        let syllables = 1 + rng.below(3) as usize;
        let mut w = String::new();
        for _ in 0..syllables {
            w.push_str(rng.pick(ONSETS));
            w.push_str(rng.pick(NUCLEI));
            w.push_str(rng.pick(CODAS));
        }
        if rng.chance(0.3) {
            w.push_str(rng.pick(&["ing", "er", "ly", "tion", "ness", "ed", "s", "ment", "ism"]));
        }
        if w.len() < 3 || score.contains_key(&w) {
            continue;
        }
        k += 1;
        let s = 60_000.0 + 3.0 * k as f64 * (0.5 + rng.unit());
        score.insert(w, s);
    }
    let mut all: Vec<(String, f64)> = score.into_iter().collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(size);
    let proper = all
        .iter()
        .map(|(w, _)| w.chars().next().is_some_and(char::is_uppercase) || w == "i" || w.starts_with("i'"))
        .collect();
    (all.into_iter().map(|(w, _)| w.into_boxed_str()).collect(), proper)
}

/// Real collocations first, then generated pairs and triples of content words.
const COLLOCATIONS: &str = r"
legal aid|restraining order|protection order|mental health|criminal offence|police officers|
social media|domestic abuse|domestic violence|court order|court fees|legal advice|
early stage|risk assessment|civil order|criminal justice|justice system|local authority|
support services|victim support|case worker|police station|front line|long term|short term|
in my experience|at the moment|on the other hand|as well as|in the first place|a lot of|
too much|not enough|more and more|at the same time|in the long run|the fact that|
waiting list|public transport|council tax|health care|value for money|low level|
non-molestation order|breach of the order|contempt of court|fixated behaviour|
perpetrator programme|multi-agency approach|specialist training|awareness campaign|
evidence gathering|digital evidence|phone records|mobile phone|text messages|
";

fn build_phrases(words: &[Box<str>], index: &FxHashMap<&str, u32>, proper: &[bool]) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    let mut seen: FxHashMap<Vec<u32>, ()> = FxHashMap::default();
    for phrase in COLLOCATIONS.split('|') {
        let ids: Option<Vec<u32>> = phrase.split_whitespace().map(|w| index.get(w).copied()).collect();
        if let Some(ids) = ids.filter(|v| v.len() >= 2)
            && seen.insert(ids.clone(), ()).is_none()
        {
            out.push(ids);
        }
    }
    // Content words: alphabetic, not names, past the function words.
    let content: Vec<u32> = (150..words.len().min(30_000))
        .filter(|&r| !proper[r] && words[r].chars().all(char::is_alphabetic) && words[r].len() >= 4)
        .map(|r| r as u32)
        .collect();
    let dist = Discrete::new((0..content.len()).map(|r| 1.0 / (r as f64 + 20.0)));
    let mut rng = SplitMix64::new(VOCABULARY_SEED ^ 0x5048);
    while out.len() < 20_000 {
        let n = if rng.chance(0.8) { 2 } else { 3 };
        let ids: Vec<u32> = (0..n).map(|_| content[dist.sample(&mut rng)]).collect();
        if ids.windows(2).any(|p| p[0] == p[1]) || seen.insert(ids.clone(), ()).is_some() {
            continue;
        }
        out.push(ids);
    }
    out
}

// ------------------------------------------------------------------------------------
// The corpus.

/// One generated respondent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Unique respondent id.
    pub id: String,
    /// Respondent type cell (aliases, odd spacing and empty cells included).
    pub respondent_type: String,
    /// The closed question's cell.
    pub closed: String,
    /// The open answers, in [`OPEN_QUESTIONS`] order.
    pub answers: [String; 4],
}

/// What a generated corpus holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusStats {
    /// Data rows.
    pub rows: u64,
    /// Bytes written, header included.
    pub bytes: u64,
    /// Words emitted (close to what the tokeniser finds).
    pub words: u64,
    /// Distinct vocabulary words emitted (word types, case folded).
    pub types: u64,
    /// Open cells that are empty or blank.
    pub empty_cells: u64,
    /// Open cells that hold a non-answer (`n/a`).
    pub non_answers: u64,
    /// Open cells with at least one non-ASCII character.
    pub non_ascii_cells: u64,
}

const RESPONDENT_TYPES: &[(&str, f64)] = &[
    ("Member of the public", 60.0),
    ("member of public", 6.0),
    ("Individual", 4.0),
    ("Charity", 6.0),
    ("Charity ", 1.0),
    ("Voluntary sector", 2.0),
    ("Police", 5.0),
    ("police force", 1.0),
    ("Local Government", 4.0),
    ("Local authority", 2.0),
    ("Professional body", 3.0),
    ("Other", 2.0),
    ("", 4.0),
];

const CLOSED: &[(&str, f64)] =
    &[("Yes", 45.0), ("No", 30.0), ("Don't know", 10.0), ("", 10.0), ("yes", 3.0), ("N", 1.0), ("Maybe", 1.0)];

const NON_ANSWERS: &[&str] = &[
    "n/a",
    "N/A",
    "No comment",
    "none",
    "None.",
    "See above",
    "As above",
    "Don't know",
    "no comment.",
    "-",
    "?",
    "Nothing to add",
    "not sure",
    "N/a",
    "see previous answer",
    "NA",
    "nothing further to add",
];

const EMOJI: &[&str] = &["\u{1F642}", "\u{1F44D}", "\u{1F621}", "\u{1F614}", "\u{2764}\u{FE0F}"];

/// Length profile per open question: chance the cell is empty, scale of the length.
const QUESTION_PROFILES: [(f64, f64); 4] = [(0.35, 14.5), (0.30, 22.0), (0.30, 36.5), (0.40, 24.0)];

/// The generator: the vocabulary plus the answer-length distributions.
#[derive(Debug)]
pub struct Generator {
    vocabulary: Vocabulary,
    lengths: Vec<Discrete>,
    types: Discrete,
    closed: Discrete,
}

/// Per-corpus bookkeeping while generating (types seen, counts).
struct Seen {
    words: Vec<u64>,
    stats: CorpusStats,
}

impl Seen {
    fn new(n: usize) -> Seen {
        Seen { words: vec![0; n.div_ceil(64)], stats: CorpusStats::default() }
    }

    fn word(&mut self, r: usize) {
        let (i, bit) = (r / 64, 1u64 << (r % 64));
        if self.words[i] & bit == 0 {
            self.words[i] |= bit;
            self.stats.types += 1;
        }
        self.stats.words += 1;
    }
}

/// How one answer is typed.
struct Style {
    smart: bool,
    lowercase: bool,
}

impl Default for Generator {
    fn default() -> Generator {
        Generator::new()
    }
}

impl Generator {
    /// A generator over the fixed English vocabulary.
    pub fn new() -> Generator {
        let lengths = QUESTION_PROFILES
            .iter()
            .map(|&(_, scale)| {
                // Log-logistic with shape 2: a heavy (Pareto-like) tail, truncated at the maximum.
                Discrete::new((0..=MAX_ANSWER_WORDS).map(|l| {
                    if l == 0 {
                        return 0.0;
                    }
                    let x = l as f64 / scale;
                    x / ((1.0 + x * x) * (1.0 + x * x))
                }))
            })
            .collect();
        Generator {
            vocabulary: Vocabulary::english(),
            lengths,
            types: Discrete::new(RESPONDENT_TYPES.iter().map(|t| t.1)),
            closed: Discrete::new(CLOSED.iter().map(|t| t.1)),
        }
    }

    /// The vocabulary.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The mean length in words of a non-empty answer to open question `q`.
    pub fn mean_answer_words(&self, q: usize) -> f64 {
        self.lengths[q].mean()
    }

    /// Row `index` (0-based) of the corpus of `seed`.
    pub fn row(&self, seed: u64, index: u64) -> Row {
        let mut seen = Seen::new(0);
        self.row_counted(seed, index, &mut seen, false)
    }

    fn row_counted(&self, seed: u64, index: u64, seen: &mut Seen, count: bool) -> Row {
        let mut rng = SplitMix64::for_item(seed, index);
        let id = format!("R{:07}-{:04X}", index + 1, rng.below(1 << 16));
        let respondent_type = RESPONDENT_TYPES[self.types.sample(&mut rng)].0.to_string();
        let closed = CLOSED[self.closed.sample(&mut rng)].0.to_string();
        let answers = std::array::from_fn(|q| {
            let (empty, _) = QUESTION_PROFILES[q];
            let text = if rng.chance(empty) {
                if rng.chance(0.02) { " ".to_string() } else { String::new() }
            } else if rng.chance(0.03) {
                rng.pick(NON_ANSWERS).to_string()
            } else {
                let words = self.lengths[q].sample(&mut rng);
                self.answer(&mut rng, words, seen, count)
            };
            if count {
                if text.trim().is_empty() {
                    seen.stats.empty_cells += 1;
                } else if NON_ANSWERS.contains(&text.as_str()) {
                    seen.stats.non_answers += 1;
                }
                if !text.is_ascii() {
                    seen.stats.non_ascii_cells += 1;
                }
            }
            text
        });
        Row { id, respondent_type, closed, answers }
    }

    /// An answer of about `target` words.
    fn answer(&self, rng: &mut SplitMix64, target: usize, seen: &mut Seen, count: bool) -> String {
        let style = Style { smart: rng.chance(0.15), lowercase: rng.chance(0.06) };
        let bullets = target > 30 && rng.chance(0.05);
        let mut out = String::with_capacity(target * 7);
        let mut words = 0;
        let mut first_sentence = true;
        if rng.chance(0.05) {
            out.push_str(rng.pick(&["Yes. ", "No. ", "Yes, ", "No, ", "Agree. ", "Disagree - "]));
        }
        while words < target {
            if !first_sentence {
                let sep = if bullets {
                    "\n- "
                } else if rng.chance(0.06) {
                    "\n\n"
                } else if rng.chance(0.03) {
                    "\n"
                } else {
                    " "
                };
                out.push_str(sep);
            } else if bullets {
                out.push_str("- ");
            }
            first_sentence = false;
            let len = (3 + rng.below(20) as usize).min(target - words).max(1);
            words += self.sentence(rng, len, &style, &mut out, seen, count);
            let end = if bullets && rng.chance(0.5) {
                ""
            } else {
                let u = rng.unit();
                if u < 0.80 {
                    "."
                } else if u < 0.86 {
                    "?"
                } else if u < 0.91 {
                    "!"
                } else if u < 0.94 {
                    if style.smart { "\u{2026}" } else { "..." }
                } else {
                    ""
                }
            };
            out.push_str(end);
        }
        if rng.chance(0.004) {
            out.push(' ');
            out.push_str(rng.pick(EMOJI));
        }
        out
    }

    /// Appends a sentence of about `len` words; returns the words written.
    fn sentence(
        &self,
        rng: &mut SplitMix64,
        len: usize,
        style: &Style,
        out: &mut String,
        seen: &mut Seen,
        count: bool,
    ) -> usize {
        let v = &self.vocabulary;
        let mut written = 0;
        let mut quote_left = 0usize;
        let mut ranks: Vec<u32> = Vec::with_capacity(4);
        while written < len {
            ranks.clear();
            if rng.chance(0.025) {
                ranks.extend_from_slice(&v.phrases[v.phrase_dist.sample(rng)]);
            } else {
                ranks.push(v.word_dist.sample(rng) as u32);
            }
            for &r in &ranks {
                let r = r as usize;
                if written > 0 {
                    let u = rng.unit();
                    let gap = if u < 0.06 {
                        ", "
                    } else if u < 0.065 {
                        "; "
                    } else if u < 0.072 {
                        if style.smart { " \u{2013} " } else { " - " }
                    } else {
                        " "
                    };
                    out.push_str(gap);
                }
                if quote_left == 0 && rng.chance(0.006) {
                    quote_left = 1 + rng.below(4) as usize;
                    out.push_str(if style.smart { "\u{201C}" } else { "\"" });
                } else if quote_left == 0 && rng.chance(0.003) {
                    quote_left = 1 + rng.below(4) as usize;
                    out.push('(');
                }
                let word = v.word(r);
                if word.parse::<u32>().is_ok() && rng.chance(0.2) {
                    out.push('\u{00A3}');
                }
                let capital = written == 0 && !style.lowercase;
                push_word(out, word, capital || v.proper[r], style.smart, rng.chance(0.002));
                if count {
                    seen.word(r);
                }
                written += 1;
                if quote_left > 0 {
                    quote_left -= 1;
                    if quote_left == 0 {
                        out.push_str(if out.ends_with(|c: char| c.is_alphanumeric()) && rng.chance(0.5) {
                            if style.smart { "\u{201D}" } else { "\"" }
                        } else {
                            ")"
                        });
                    }
                }
            }
        }
        if quote_left > 0 {
            out.push(')');
        }
        written
    }

    /// Writes a corpus of `rows` rows for `seed` as CSV to `out`.
    pub fn write_corpus(&self, out: &mut dyn Write, rows: u64, seed: u64) -> io::Result<CorpusStats> {
        let mut counter = CountingWriter { inner: out, bytes: 0 };
        let mut seen = Seen::new(self.vocabulary.len());
        {
            let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(&mut counter);
            w.write_record(CORPUS_HEADER).map_err(csv_io)?;
            for i in 0..rows {
                let row = self.row_counted(seed, i, &mut seen, true);
                let [a, b, c, d] = &row.answers;
                w.write_record([&row.id, &row.respondent_type, &row.closed, a, b, c, d]).map_err(csv_io)?;
            }
            w.flush()?;
        }
        let mut stats = seen.stats;
        stats.rows = rows;
        stats.bytes = counter.bytes;
        Ok(stats)
    }
}

/// Appends `word`, capitalised and with smart apostrophes if asked, rarely all in capitals.
/// A csv writer's error as the I/O error it wraps, so that a closed pipe stays one.
fn csv_io(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn push_word(out: &mut String, word: &str, capital: bool, smart: bool, shout: bool) {
    let start = out.len();
    if shout {
        out.extend(word.chars().flat_map(char::to_uppercase));
    } else if capital {
        let mut chars = word.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_uppercase());
            out.push_str(chars.as_str());
        }
    } else {
        out.push_str(word);
    }
    if smart && out[start..].contains('\'') {
        let replaced = out[start..].replace('\'', "\u{2019}");
        out.truncate(start);
        out.push_str(&replaced);
    }
}

struct CountingWriter<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for CountingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

// ------------------------------------------------------------------------------------
// Lexicons and the survey spec.

/// What kind of lexicon to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexiconFlavour {
    /// Stemmed words, exact words, trailing wildcards and phrases; stemming, negation and
    /// spelling variants on (codeframe's defaults).
    Full,
    /// The same draw restricted to what a plain keyword matcher does: exact words and
    /// prefixes only (phrases dropped, stemmed words matched exactly), no stemming,
    /// no negation, no spelling variants, accents kept. Python baselines reproduce its counts.
    Plain,
}

/// A generated lexicon entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum DrawnEntry {
    Stem(String),
    Exact(String),
    Prefix(String),
    Phrase(String),
}

/// Writes a lexicon of about `entries` entries over `ceil(sqrt(entries))` themes as TOML.
///
/// Words are drawn from the corpus vocabulary, log-uniformly by rank from rank 300 on
/// (content words, not function words), one entry per stem, so they match at realistic
/// rates.
/// About 1 theme in 5 applies to a single question. The [`LexiconFlavour::Plain`]
/// lexicon of a seed is the [`LexiconFlavour::Full`] one with phrases dropped.
///
/// `inert` more entries (words of the form `qzx...vq`, which the corpus never holds)
/// follow in themes of their own, so the lexicon has `entries + inert` entries over
/// about `sqrt(entries + inert)` themes but codes exactly as the lexicon without
/// them: a measure of what lexicon size alone costs.
pub fn write_lexicon(
    out: &mut dyn Write,
    vocabulary: &Vocabulary,
    entries: usize,
    inert: usize,
    seed: u64,
    flavour: LexiconFlavour,
) -> io::Result<usize> {
    let drawn = draw_entries(vocabulary, entries, seed);
    let themes = (entries as f64).sqrt().ceil().max(1.0) as usize;
    let plain = flavour == LexiconFlavour::Plain;
    let inert_flag = if inert > 0 { format!(" --inert {inert}") } else { String::new() };
    let inert_name = if inert > 0 { format!("-inert-{inert}") } else { String::new() };
    writeln!(
        out,
        "# Generated by `codeframe generate lexicon --entries {entries}{inert_flag} --seed {seed}{}`.",
        if plain { " --plain" } else { "" }
    )?;
    writeln!(out, "name = \"generated-{entries}{inert_name}{}\"", if plain { "-plain" } else { "" })?;
    writeln!(out, "\n[settings]\nnegation_window = 3\noverlap = \"theme\"")?;
    if plain {
        writeln!(out, "spelling_variants = false\nfold_accents = false")?;
    }
    let mut written = 0;
    let mut rng = SplitMix64::new(seed ^ 0x7468_656d_6573);
    for t in 0..themes {
        let mine: Vec<&DrawnEntry> = drawn.iter().skip(t).step_by(themes).collect();
        let terms: Vec<String> = mine
            .iter()
            .filter_map(|e| match (e, plain) {
                (DrawnEntry::Stem(w), false) => Some(w.clone()),
                (DrawnEntry::Exact(w), false) => Some(format!("={w}")),
                (DrawnEntry::Stem(w) | DrawnEntry::Exact(w), true) => Some(w.clone()),
                (DrawnEntry::Prefix(p), _) => Some(format!("{p}*")),
                (DrawnEntry::Phrase(p), false) => Some(p.clone()),
                (DrawnEntry::Phrase(_), true) => None,
            })
            .collect();
        written += terms.len();
        writeln!(out, "\n[[theme]]\nid = \"t{:04}\"", t + 1)?;
        let label = mine.first().map_or("empty", |e| match e {
            DrawnEntry::Stem(w) | DrawnEntry::Exact(w) | DrawnEntry::Prefix(w) | DrawnEntry::Phrase(w) => w,
        });
        writeln!(out, "label = {}", toml_string(&format!("Theme {} ({label})", t + 1)))?;
        if rng.chance(0.2) {
            writeln!(out, "questions = [\"{}\"]", rng.pick(&OPEN_QUESTIONS))?;
        }
        if plain {
            writeln!(out, "stem = false\nnegation = false")?;
        }
        writeln!(out, "terms = [")?;
        for term in &terms {
            writeln!(out, "  {},", toml_string(term))?;
        }
        writeln!(out, "]")?;
    }
    written += write_inert_themes(out, themes, entries + inert, inert, plain)?;
    Ok(written)
}

/// Writes `inert` entries that match nothing, after `before` themes, in themes of
/// their own up to about `sqrt(total)` themes in all: words, exact words, prefixes
/// and (unless `plain`) phrases, each `qzx`, a base-26 number and `vq`.
fn write_inert_themes(
    out: &mut dyn Write,
    before: usize,
    total: usize,
    inert: usize,
    plain: bool,
) -> io::Result<usize> {
    if inert == 0 {
        return Ok(0);
    }
    let word = |mut i: usize| {
        let mut letters = Vec::new();
        i += 26 * 26;
        while i > 0 {
            letters.push(b'a' + (i % 26) as u8);
            i /= 26;
        }
        letters.reverse();
        format!("qzx{}vq", String::from_utf8(letters).expect("ASCII letters"))
    };
    let themes = ((total as f64).sqrt().ceil() as usize).saturating_sub(before).max(1);
    let per_theme = inert.div_ceil(themes);
    for (t, first) in (0..inert).step_by(per_theme).enumerate() {
        let id = before + t + 1;
        writeln!(out, "\n[[theme]]\nid = \"t{id:04}\"\nlabel = \"Inert theme {id}\"")?;
        if plain {
            writeln!(out, "stem = false\nnegation = false")?;
        }
        writeln!(out, "terms = [")?;
        for i in first..(first + per_theme).min(inert) {
            let w = word(i);
            let term = match (i % 4, plain) {
                (0, _) | (1, true) => w,
                (1, false) => format!("={w}"),
                (2, _) => format!("{w}*"),
                (_, true) => format!("{w}x*"),
                (_, false) => format!("{w} {}", word(i + inert)),
            };
            writeln!(out, "  {},", toml_string(&term))?;
        }
        writeln!(out, "]")?;
    }
    Ok(inert)
}

fn draw_entries(v: &Vocabulary, entries: usize, seed: u64) -> Vec<DrawnEntry> {
    let mut rng = SplitMix64::new(seed);
    let mut seen: FxHashMap<String, ()> = FxHashMap::default();
    let mut out = Vec::with_capacity(entries);
    // Weights 1/r from rank 300 on: log-uniform ranks, as many entries per decade of rank.
    let ranks = Discrete::new((0..v.len()).map(|r| if r >= 300 { 1.0 / r as f64 } else { 0.0 }));
    // One entry per stem (a word belongs to one theme, as in a real codeframe): without
    // this, derived forms (`thinkly`, `likeness`) pile onto the stems of the commonest
    // words and a 20,000-entry lexicon hits every word about twice.
    let analyzer = crate::text::Analyzer::new();
    let phrase_ranks = Discrete::new((0..v.phrase_count()).map(|r| 1.0 / (r as f64 + 30.0)));
    let mut attempts = 0usize;
    while out.len() < entries && attempts < entries * 50 {
        attempts += 1;
        let u = rng.unit();
        let entry = if u < 0.80 {
            let r = ranks.sample(&mut rng);
            let w = v.word(r);
            if v.proper[r] && rng.chance(0.8) {
                continue;
            }
            if !w.chars().all(char::is_alphabetic) || w.chars().count() < 3 {
                continue;
            }
            let w = w.to_lowercase();
            if u < 0.50 {
                DrawnEntry::Stem(w)
            } else if u < 0.65 {
                DrawnEntry::Exact(w)
            } else {
                let chars: Vec<char> = w.chars().collect();
                let keep = if chars.len() <= 6 { chars.len() } else { chars.len() - rng.below(3) as usize };
                DrawnEntry::Prefix(chars[..keep.max(5).min(chars.len())].iter().collect())
            }
        } else {
            DrawnEntry::Phrase(v.phrase(phrase_ranks.sample(&mut rng)))
        };
        let key = match &entry {
            DrawnEntry::Stem(w) | DrawnEntry::Exact(w) | DrawnEntry::Prefix(w) => analyzer.term(w).stem.into(),
            DrawnEntry::Phrase(p) => p.clone(),
        };
        if seen.insert(key, ()).is_none() {
            out.push(entry);
        }
    }
    out
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The survey spec that reads a generated corpus (pass `--input` and `--lexicon` to `run`).
pub fn survey_toml() -> String {
    let mut s = String::from(
        "# Generated by `codeframe generate survey`: the survey spec of `codeframe generate corpus`.\n\
         title = \"Generated benchmark survey\"\n\
         id_column = \"respondent_id\"\n\n\
         [respondent_type]\n\
         column = \"respondent_type\"\n\
         default = \"Member of the public\"\n\
         types = [\n\
         \x20 { name = \"Member of the public\", aliases = [\"member of public\", \"individual\"] },\n\
         \x20 { name = \"Charity\", aliases = [\"voluntary sector\"] },\n\
         \x20 { name = \"Police\", aliases = [\"police force\"] },\n\
         \x20 { name = \"Local Government\", aliases = [\"local authority\"] },\n\
         \x20 { name = \"Professional body\" },\n\
         \x20 { name = \"Other\" },\n\
         ]\n\n\
         [[closed]]\n\
         id = \"q1\"\n\
         text = \"Do you agree with the proposal?\"\n\
         options = [\"Yes\", \"No\", \"Don't know\"]\n\
         nil_into = \"Don't know\"\n",
    );
    for q in OPEN_QUESTIONS {
        s.push_str(&format!("\n[[open]]\nid = \"{q}\"\ntext = \"Please explain ({q}).\"\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn generator() -> &'static Generator {
        static G: OnceLock<Generator> = OnceLock::new();
        G.get_or_init(Generator::new)
    }

    #[test]
    fn splitmix_is_deterministic_and_spread() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let xs: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        assert_eq!(xs, (0..4).map(|_| b.next_u64()).collect::<Vec<_>>());
        let mut c = SplitMix64::new(1);
        let mut counts = [0u32; 4];
        for _ in 0..4000 {
            counts[c.below(4) as usize] += 1;
        }
        assert!(counts.iter().all(|&n| (900..1100).contains(&n)), "{counts:?}");
    }

    #[test]
    fn discrete_follows_its_weights() {
        let d = Discrete::new([1.0, 0.0, 3.0]);
        let mut rng = SplitMix64::new(3);
        let mut counts = [0u32; 3];
        for _ in 0..4000 {
            counts[d.sample(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((2800..3200).contains(&counts[2]), "{counts:?}");
    }

    #[test]
    fn suffixes_follow_english_spelling() {
        for (base, suf, want) in [
            ("police", "ing", "policing"),
            ("police", "s", "polices"),
            ("stalk", "ed", "stalked"),
            ("reply", "s", "replies"),
            ("reply", "ed", "replied"),
            ("reply", "ing", "replying"),
            ("church", "s", "churches"),
            ("hope", "ful", "hopeful"),
        ] {
            assert_eq!(suffixed(base, suf), want);
        }
    }

    #[test]
    fn vocabulary_is_fixed_and_zipfian() {
        let v = generator().vocabulary();
        assert_eq!(v.len(), VOCABULARY_SIZE);
        assert_eq!(v.word(0), "the");
        assert!(v.word_dist.probability(0) > 0.03 && v.word_dist.probability(0) < 0.1);
        assert!(v.word_dist.probability(10) > v.word_dist.probability(1000) * 50.0);
        assert_eq!(v.phrase(0), "legal aid");
    }

    #[test]
    fn rows_are_deterministic_and_independent_of_corpus_size() {
        let g = generator();
        let mut small = Vec::new();
        let mut big = Vec::new();
        g.write_corpus(&mut small, 20, 9).unwrap();
        g.write_corpus(&mut big, 40, 9).unwrap();
        assert!(big.starts_with(&small));
        assert_eq!(g.row(9, 3), g.row(9, 3));
        assert_ne!(g.row(9, 3), g.row(10, 3));
    }

    #[test]
    fn corpus_parses_and_has_messy_text() {
        let g = generator();
        let mut buf = Vec::new();
        let stats = g.write_corpus(&mut buf, 300, 1).unwrap();
        let mut r = csv::Reader::from_reader(buf.as_slice());
        let rows: Vec<csv::StringRecord> = r.records().collect::<std::result::Result<_, _>>().unwrap();
        assert_eq!(rows.len(), 300);
        assert!(rows.iter().all(|r| r.len() == CORPUS_HEADER.len()));
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("\"\"") || text.contains('\u{201C}'));
        assert!(rows.iter().any(|r| r.iter().any(|c| c.contains('\n'))));
        assert!(rows.iter().any(|r| r.iter().any(|c| c.contains(','))));
        assert!(stats.empty_cells > 0 && stats.non_answers > 0 && stats.non_ascii_cells > 0);
        assert!(stats.words > 300 * 50, "{stats:?}");
    }

    #[test]
    fn lexicons_parse_compile_and_match_the_corpus() {
        use crate::lexicon::{CompiledLexicon, Lexicon};
        let g = generator();
        for flavour in [LexiconFlavour::Full, LexiconFlavour::Plain] {
            let mut buf = Vec::new();
            let n = write_lexicon(&mut buf, g.vocabulary(), 300, 0, 5, flavour).unwrap();
            let text = String::from_utf8(buf).unwrap();
            let lex = Lexicon::from_str_with_path(&text, std::path::Path::new("gen.toml")).unwrap();
            assert_eq!(lex.themes.iter().map(|t| t.entries.len()).sum::<usize>(), n);
            let c = CompiledLexicon::new(&lex).unwrap();
            let mut scanner = crate::matching::Scanner::new();
            let mut hits = 0;
            for i in 0..50 {
                for a in &g.row(1, i).answers {
                    scanner.scan(&c, a);
                    hits += scanner.hits().len();
                }
            }
            assert!(hits > 20, "{flavour:?}: {hits} hits");
        }
    }

    /// Inert entries fill themes of their own to about sqrt(all entries) themes, of
    /// every kind, and match nothing the corpus holds: the answers code as without them.
    #[test]
    fn inert_entries_add_themes_that_match_nothing() {
        use crate::lexicon::{CompiledLexicon, Lexicon};
        let g = generator();
        for flavour in [LexiconFlavour::Full, LexiconFlavour::Plain] {
            let compile = |inert: usize| {
                let mut buf = Vec::new();
                let n = write_lexicon(&mut buf, g.vocabulary(), 300, inert, 5, flavour).unwrap();
                let text = String::from_utf8(buf).unwrap();
                let lex = Lexicon::from_str_with_path(&text, std::path::Path::new("gen.toml")).unwrap();
                assert_eq!(lex.themes.iter().map(|t| t.entries.len()).sum::<usize>(), n);
                (n, lex.themes.len(), CompiledLexicon::new(&lex).unwrap())
            };
            let (n, themes, plain) = compile(0);
            let (n_inert, themes_inert, inert) = compile(1_000);
            assert_eq!((n_inert, themes, themes_inert), (n + 1_000, 18, 37), "{flavour:?}");
            let (mut a, mut b) = (crate::matching::Scanner::new(), crate::matching::Scanner::new());
            for i in 0..50 {
                for answer in &g.row(1, i).answers {
                    a.scan(&plain, answer);
                    b.scan(&inert, answer);
                    assert_eq!(a.hits(), b.hits(), "{flavour:?}: {answer}");
                }
            }
            // They are real entries: their words match where they are written.
            b.scan(&inert, "a qzxbaavq and qzxbabvq");
            assert_eq!(b.hits().len(), 2, "{flavour:?}");
        }
    }

    #[test]
    fn survey_spec_reads_the_corpus_header() {
        let s = crate::survey::Survey::from_str_with_path(&survey_toml(), std::path::Path::new("s.toml")).unwrap();
        let header: Vec<String> = CORPUS_HEADER.iter().map(|h| h.to_string()).collect();
        crate::input::Columns::resolve(&s, &header).unwrap();
    }
}
