"""nb08: how far a score on n digits says anything about the bar."""

from __future__ import annotations

from bpkit.checks.nb08._common import _ceil, _exp_scalar, _lgamma, _sqrt_scalar


# ----- how far a score on n digits says anything about the bar ---------------------------------
def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of an accuracy of k out of n (stays inside [0, 1])."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * _sqrt_scalar(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _chance_to_clear(k: int, n: int, n_new: int, threshold: float) -> float:
    """P(at least threshold of n_new new digits right | k of n right).

    The accuracy gets Jeffreys' Beta(1/2, 1/2) prior, so its posterior is Beta(k + 1/2,
    n - k + 1/2) and the number right of n_new new digits is beta-binomial.
    """
    a, b = k + 0.5, n - k + 0.5
    need = _ceil(threshold * n_new - 1e-9)
    log_norm = _lgamma(a) + _lgamma(b) - _lgamma(a + b)
    total = 0.0
    for x in range(need, n_new + 1):
        log_choose = _lgamma(n_new + 1) - _lgamma(x + 1) - _lgamma(n_new - x + 1)
        log_beta = _lgamma(x + a) + _lgamma(n_new - x + b) - _lgamma(n_new + a + b)
        total += _exp_scalar(log_choose + log_beta - log_norm)
    return min(total, 1.0)


def _estimate(k: int, n: int, threshold: float = 0.97, n_new: int = 359) -> str:
    """What an accuracy of k out of n digits says about new digits and the bar, in words.

    The binomial standard error sqrt(p (1 - p) / n), the 95 % Wilson interval, where the bar
    lies against it, and the chance that ``n_new`` new digits score at least ``threshold``.
    """
    p = k / n
    se = _sqrt_scalar(p * (1 - p) / n)
    lo, hi = _wilson(k, n)
    bar = f"{threshold * 100:g}%"
    text = (
        f"{p:.1%} \u00b1 {se:.1%} ({k} of {n} digits, \u00b1 one binomial standard error "
        f"sqrt(p(1 - p)/n)); 95% interval {lo:.1%} to {hi:.1%}. "
    )
    if lo > threshold:
        text += f"The whole interval lies above {bar}. "
    elif hi < threshold:
        text += f"The whole interval lies below {bar}. "
    else:
        text += (
            f"{bar} lies inside the interval: {n} digits cannot tell for sure on which side of "
            "the bar the accuracy on new digits lies. "
        )
    chance = _chance_to_clear(k, n, n_new, threshold)
    said = "below 1%" if chance < 0.01 else "above 99%" if chance > 0.99 else f"about {chance:.0%}"
    return text + (
        f"From these {n} digits alone, the chance that {n_new} new digits (the test set) score "
        f"at least {bar} is {said}."
    )
