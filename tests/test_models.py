"""The from-scratch pieces of utils.models against torch's own."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import utils

FLOAT64 = torch.float64


def logits_strategy(max_abs):
    return st.tuples(
        st.integers(1, 40), st.integers(2, 12), st.integers(0, 2**31 - 1)
    ).map(
        lambda t: (
            (
                torch.rand(
                    t[0],
                    t[1],
                    generator=torch.Generator().manual_seed(t[2]),
                    dtype=FLOAT64,
                )
                * 2
                - 1
            )
            * max_abs
        )
    )


@settings(max_examples=60, deadline=None)
@given(
    O=st.one_of(
        logits_strategy(1.0), logits_strategy(50.0), logits_strategy(1e4)
    )
)
def test_softmax_matches_torch_for_extreme_logits(O):
    P = utils.softmax(O)
    assert torch.isfinite(P).all()
    assert torch.allclose(P, torch.softmax(O, dim=1), atol=1e-12)
    assert torch.allclose(P.sum(dim=1), torch.ones(len(O), dtype=FLOAT64))


@settings(max_examples=60, deadline=None)
@given(
    O=st.one_of(logits_strategy(1.0), logits_strategy(1e4)),
    seed=st.integers(0, 1000),
)
def test_cross_entropy_matches_torch_and_its_gradient_is_softmax_minus_y(
    O, seed
):
    y = torch.randint(
        0,
        O.shape[1],
        (O.shape[0],),
        generator=torch.Generator().manual_seed(seed),
    )
    O = O.clone().requires_grad_(True)
    ours = utils.cross_entropy(O, y)
    assert torch.allclose(
        ours, F.cross_entropy(O, y, reduction="none"), rtol=1e-9, atol=1e-9
    )
    ours.sum().backward()
    expected = torch.softmax(O.detach(), dim=1) - F.one_hot(
        y, O.shape[1]
    ).to(FLOAT64)
    assert torch.allclose(O.grad, expected, atol=1e-9)


def test_softmax_of_logits_far_beyond_exp_range_is_exact():
    # exp(1000) overflows float32: only the shift by the maximum gets this
    O = torch.tensor([[1000.0, 0.0, -1000.0]])
    assert torch.equal(utils.softmax(O), torch.tensor([[1.0, 0.0, 0.0]]))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 500),
    seed=st.integers(0, 1000),
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
)
def test_squared_loss_is_half_of_mse(n, seed, scale):
    generator = torch.Generator().manual_seed(seed)
    y_hat = torch.randn(n, 1, generator=generator, dtype=FLOAT64) * scale
    y = torch.randn(n, 1, generator=generator, dtype=FLOAT64) * scale
    ours = utils.squared_loss(y_hat, y)
    assert ours.shape == (n, 1)
    assert torch.allclose(ours.mean() * 2, F.mse_loss(y_hat, y), rtol=1e-12)


def test_linreg_matches_nn_linear():
    layer = torch.nn.Linear(3, 1, dtype=FLOAT64)
    X = torch.randn(7, 3, dtype=FLOAT64)
    ours = utils.linreg(X, layer.weight.detach().T, layer.bias.detach())
    assert torch.allclose(ours, layer(X).detach())


def test_sgd_step_equals_torch_optim_sgd():
    torch.manual_seed(0)
    w = torch.randn(4, 2, requires_grad=True)
    w_ref = w.detach().clone().requires_grad_(True)
    X = torch.randn(8, 4)
    (X @ w).pow(2).mean().backward()
    (X @ w_ref).pow(2).mean().backward()
    optimizer = torch.optim.SGD([w_ref], lr=0.1)
    utils.sgd([w], lr=0.1)
    optimizer.step()
    assert torch.equal(w, w_ref)
    # gradients reset for the next step
    assert torch.count_nonzero(w.grad) == 0


def test_accuracy_counts_argmax_matches():
    y_hat = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert utils.accuracy(y_hat, torch.tensor([1, 0, 0])) == pytest.approx(
        2 / 3
    )


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    # only what would be silently wrong, or an unreadable error deep inside
    # PyTorch
    [
        (
            lambda: utils.squared_loss(torch.ones(5, 1), torch.ones(5)),
            ValueError,
            r"y must have the shape of y_hat \(5, 1\), got \(5,\)",
        ),
        (
            lambda: utils.cross_entropy(
                torch.ones(2, 3), torch.tensor([[0], [1]])
            ),
            ValueError,
            "y must hold one class index per row of O",
        ),
        (
            lambda: utils.accuracy(
                torch.ones(3, 2), torch.ones(3, 1, dtype=torch.int64)
            ),
            ValueError,
            "y must hold one label per row of y_hat",
        ),
        (
            lambda: utils.sgd([torch.ones(2, requires_grad=True)], 0.1),
            ValueError,
            "call backward",
        ),
        (
            lambda: utils.sgd([torch.ones(2, requires_grad=True)], -0.1),
            ValueError,
            "lr must be > 0",
        ),
        (
            lambda: utils.sgd(
                [torch.ones(2, requires_grad=True)], float("nan")
            ),
            ValueError,
            "lr must be > 0",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


@pytest.mark.parametrize(
    "dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16]
)
def test_dropout_keeps_the_expectation_for_every_dtype(dtype):
    X = torch.ones(200_000, dtype=dtype)
    out = utils.dropout(X, 0.3, generator=torch.Generator().manual_seed(0))
    assert out.dtype == dtype and out.device == X.device
    kept = out != 0
    # the fraction dropped is p within 5 standard errors; kept values are
    # exactly 1/(1-p)
    # also for bfloat16
    assert (
        abs((1 - kept.float().mean().item()) - 0.3)
        < 5 * (0.3 * 0.7 / X.numel()) ** 0.5
    )
    assert torch.allclose(
        out[kept].float(), torch.tensor(1 / 0.7), rtol=1e-2
    )
    assert abs(out.double().mean().item() - 1.0) < 0.01


def test_dropout_edge_cases_and_eval_mode():
    X = torch.randn(4, 5)
    assert utils.dropout(X, 0.0) is X
    assert utils.dropout(X, 0.9, training=False) is X
    assert torch.equal(utils.dropout(X, 1.0), torch.zeros_like(X))
    empty = torch.ones(0, 3)
    assert utils.dropout(empty, 0.5).shape == (0, 3)
    layer = utils.Dropout(0.5)
    layer.eval()
    assert layer(X) is X
    layer.train()
    assert not torch.equal(layer(torch.ones(100)), torch.ones(100))
    assert "p=0.5" in repr(layer)


def test_dropout_gradient_is_the_mask_scaled():
    X = torch.ones(1000, requires_grad=True)
    out = utils.dropout(X, 0.5, generator=torch.Generator().manual_seed(1))
    out.sum().backward()
    # d(x * m / (1-p)) / dx = m / (1-p) = out when x = 1
    assert torch.equal(X.grad, out.detach())


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_dropout_rejects_bad_probability(p):
    with pytest.raises(
        ValueError, match=r"p must be a probability in \[0, 1\]"
    ):
        utils.dropout(torch.ones(3), p)
    with pytest.raises(
        ValueError, match=r"p must be a probability in \[0, 1\]"
    ):
        utils.Dropout(p)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.lists(st.integers(1, 30), min_size=1, max_size=3),
    p=st.floats(0.0, 1.0),
    seed=st.integers(0, 1000),
)
def test_dropout_keeps_or_scales_every_element(shape, p, seed):
    X = torch.randn(
        *shape, generator=torch.Generator().manual_seed(seed), dtype=FLOAT64
    )
    out = utils.dropout(
        X, p, generator=torch.Generator().manual_seed(seed + 1)
    )
    assert out.shape == X.shape and out.dtype == X.dtype
    if p == 1.0:
        assert torch.count_nonzero(out) == 0
    else:
        kept = out != 0
        assert torch.allclose(out[kept], X[kept] / (1 - p), rtol=1e-12)
