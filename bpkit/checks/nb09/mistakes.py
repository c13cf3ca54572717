"""nb09: mistakes every exercise may name (the tests assert these substrings)."""

from __future__ import annotations

from bpkit.checks._core import (
    WRONG_SIGN,
)

# ----- mistakes every exercise may name (the tests assert these substrings) -----------------------
TRANSPOSED_WH = (
    "a transposed W_h: the recurrent term is h_{t-1} @ W_h.T forward and delta @ W_h back"
)
TRANSPOSED_WX = "a transposed W_x: the input term is x_t @ W_x.T"
NO_CARRY = (
    "the hidden state never carried forward: step t must use h_{t-1}, the state the step before "
    "computed (h0 only at the first step)"
)
NO_ACTIVATION = "a missing f (tanh): h_t = tanh(z_t)"
SHIFTED_H = (
    "H shifted by one step: H[:, t] is the state after reading x_t (h_1 .. h_T); h0 is not part "
    "of H"
)
MISSING_B = "a missing b (the bias is added at every step)"
Z_HOLDS_H = "cache['Z'] holding h = f(z) instead of the pre-activation z_t"
RECURRENT_FORGOTTEN = (
    "the recurrent term forgotten: the error at step t collects dH[:, t] from its own output AND "
    "delta_{t+1} @ W_h from the step after it"
)
NOT_SUMMED = (
    "shared-weight gradients not summed over time: W_x, W_h and b are used at every step, so "
    "their gradient is the sum (+=) of one term per step"
)
NOT_SUMMED_FIRST = NOT_SUMMED + " (only the last term the loop computed, t = 1)"
NOT_SUMMED_LAST = NOT_SUMMED + " (only the term of the last step, t = T)"
AVERAGED_OVER_T = (
    "gradients averaged over the T steps: shared weights add their per-step terms, with no 1/T"
)
WRONG_STEP = (
    "f'(z) taken at the wrong step: delta_t = (dH[:, t] + delta_{t+1} @ W_h) * f'(z_t), with "
    "f'(z_t) = 1 - h_t**2 of the same step t"
)
WRONG_STEP_BEFORE = WRONG_STEP + " (here f'(z_{t-1}))"
WRONG_STEP_AFTER = WRONG_STEP + " (here f'(z_{t+1}))"
FORWARD_IN_TIME = (
    "walking forward in time: delta_t needs delta_{t+1}, so the backward pass runs from the last "
    "step t = T down to the first"
)
WH_WITH_H_T = (
    "dW_h built from h_t: W_h multiplies h_{t-1} in step t, so "
    "dW_h = sum_t delta_t.T @ h_{t-1} / n (with h0 at the first step)"
)
H0_FORGOTTEN = "h0 left out of dW_h: the first step's term is delta_1.T @ h0"

# truncated BPTT
K_IGNORED = "k ignored: this is full BPTT; each error may travel back at most k steps"
ONE_STEP_TOO_MANY = (
    "one step too many: an error entering at step t reaches z_t, z_{t-1}, ..., z_{t-k+1}, "
    "k steps in all (its own step included)"
)
ONE_STEP_TOO_FEW = (
    "one step too few: an error entering at step t reaches z_t, z_{t-1}, ..., z_{t-k+1}, "
    "k steps in all (its own step included)"
)
CHUNKED = (
    "truncation at fixed chunk boundaries: here every error travels back k steps from where it "
    "entered, not only to the start of a block of k steps"
)
CHUNKED_FROM_FIRST = CHUNKED + " (blocks counted from the first step)"
CHUNKED_FROM_LAST = CHUNKED + " (blocks counted from the last step)"
STOPPED_LOOP = (
    "a backward loop that stops k steps from the end: the errors of the earlier outputs are lost "
    "altogether; each output's error must travel back its own k steps"
)

# gradient norms by lag
BY_TIME = "the norms in time order (t = 1 .. T); list them by lag: lag 0 is h_T, the last step"
DELTA_NORMS = (
    "the norms of delta_t = dl/dz_t (after the f'(z_t) factor); the exercise asks for dl/dh_t"
)
NO_F_PRIME = "a missing f'(z) (activation derivative) between the steps"
SQUARED = "squared norms: take the square root, np.linalg.norm(g)"

# the training loop
UNCLIPPED = (
    "updates that used unclipped gradients: rescale the gradients with "
    "clip_grad_norm(model.named_grads(), clip_norm) BEFORE the update"
)
PER_ARRAY = (
    "clipping each gradient array separately: the global norm is one norm over all arrays, and "
    "every array is scaled by the same factor"
)
VALUE_CLIP = "clipping each entry (np.clip) instead of rescaling by the global norm"
CLIPPED_WEIGHTS = "the weights clipped instead of the gradients: clip model.named_grads()"
LOSS_AFTER = (
    "each loss recorded after its update: record L from the forward pass the gradient came from"
)
UPHILL = f"{WRONG_SIGN} (the weights moved uphill: subtract eta * gradient)"


MATMUL_RNN = (
    "a matrix product whose shapes do not line up: W_x has shape (d_h, d_in) and W_h (d_h, d_h), "
    "so a step computes X[:, t] @ W_x.T + h_prev @ W_h.T (each (n, d_h)), and the backward pass "
    "delta @ W_h, delta.T @ X[:, t] and delta.T @ h_prev"
)
