//! What the corpus's property tests share.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

/// How many of `n` values of `strategy` (always the same ones) `pass`: a property that holds
/// only where a fast path answers must be shown to reach that path, or it could never fail.
pub(crate) fn passing<S: Strategy>(
    strategy: &S,
    n: usize,
    pass: impl Fn(&S::Value) -> bool,
) -> usize {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .filter(|_| {
            let value = strategy.new_tree(&mut runner).expect("a value").current();
            pass(&value)
        })
        .count()
}
