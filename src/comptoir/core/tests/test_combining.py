"""The combiner: what threads submit at the same moment runs as one batch, each gets its own."""

import threading
import time

import pytest

from comptoir.core.combining import Combiner


class Recorder:
    """A batch runner that doubles numbers, remembers each batch, and can be held up."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = threading.Event()
        self.release.set()

    def __call__(self, items: list[int]) -> list[int | Exception]:
        self.batches.append(list(items))
        self.release.wait(timeout=10)
        return [ValueError(f"no {n}") if n < 0 else n * 2 for n in items]


def _wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never came true")
        time.sleep(0.001)


def _submit_in_threads(combiner: Combiner, items: list[int], answers: dict) -> list:
    def submit(item: int) -> None:
        try:
            answers[item] = combiner.submit(item)
        except Exception as error:  # noqa: BLE001
            answers[item] = error

    threads = [threading.Thread(target=submit, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    return threads


def test_a_thread_alone_runs_its_item_at_once_as_a_batch_of_one():
    recorder = Recorder()
    combiner = Combiner(recorder)

    assert combiner.submit(21) == 42
    assert combiner.submit(5) == 10
    assert recorder.batches == [[21], [5]]


def test_items_submitted_while_a_batch_runs_go_together_in_the_next_one_in_order():
    recorder = Recorder()
    recorder.release.clear()
    combiner = Combiner(recorder)
    answers: dict = {}
    first = _submit_in_threads(combiner, [1], answers)
    _wait_until(lambda: recorder.batches == [[1]])  # the first thread leads, and is held up
    rest = []
    for waiting, item in enumerate((2, 3, 4), start=1):  # one at a time: their order is known
        rest += _submit_in_threads(combiner, [item], answers)
        _wait_until(lambda n=waiting: len(combiner._pending) == n)

    recorder.release.set()
    for thread in first + rest:
        thread.join(timeout=10)

    assert recorder.batches == [[1], [2, 3, 4]]
    assert answers == {1: 2, 2: 4, 3: 6, 4: 8}


def test_an_error_for_one_item_is_raised_in_its_own_thread_only():
    recorder = Recorder()
    recorder.release.clear()
    combiner = Combiner(recorder)
    answers: dict = {}
    threads = _submit_in_threads(combiner, [1], answers)
    _wait_until(lambda: len(recorder.batches) == 1)
    threads += _submit_in_threads(combiner, [-7], answers)
    _wait_until(lambda: len(combiner._pending) == 1)
    threads += _submit_in_threads(combiner, [8], answers)
    _wait_until(lambda: len(combiner._pending) == 2)

    recorder.release.set()
    for thread in threads:
        thread.join(timeout=10)

    assert recorder.batches == [[1], [-7, 8]]
    assert answers[1] == 2
    assert answers[8] == 16
    assert isinstance(answers[-7], ValueError)
    assert str(answers[-7]) == "no -7"


def test_a_batch_runner_that_fails_fails_every_item_of_its_batch_and_the_next_batch_still_runs():
    calls: list[list[int]] = []

    def fails_once(items: list[int]) -> list[int]:
        calls.append(items)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return items

    combiner = Combiner(fails_once)

    with pytest.raises(RuntimeError, match="went away"):
        combiner.submit(1)
    assert combiner.submit(2) == 2


def test_a_runner_that_answers_the_wrong_number_of_outcomes_is_an_error_not_a_wrong_answer():
    combiner = Combiner(lambda items: [])

    with pytest.raises(RuntimeError, match="0 outcomes for a batch of 1"):
        combiner.submit(1)


def test_a_batch_takes_at_most_max_batch_items_and_the_rest_follow():
    recorder = Recorder()
    recorder.release.clear()
    combiner = Combiner(recorder, max_batch=2)
    answers: dict = {}
    threads = _submit_in_threads(combiner, [1], answers)
    _wait_until(lambda: len(recorder.batches) == 1)
    for item in (2, 3, 4, 5, 6):
        threads += _submit_in_threads(combiner, [item], answers)
        _wait_until(lambda n=item - 1: len(combiner._pending) == n)

    recorder.release.set()
    for thread in threads:
        thread.join(timeout=10)

    assert recorder.batches == [[1], [2, 3], [4, 5], [6]]
    assert answers == {n: 2 * n for n in range(1, 7)}


def test_a_thread_behind_a_stuck_batch_stops_waiting_and_runs_its_item_alone():
    stuck = threading.Event()
    batches: list[list[int]] = []

    def first_batch_sticks(items: list[int]) -> list[int]:
        batches.append(list(items))
        if 1 in items:
            stuck.wait(timeout=10)  # the leader's batch hangs (a lock, a slow server)
        return [n * 2 for n in items]

    combiner = Combiner(first_batch_sticks, max_wait=0.05)
    answers: dict = {}
    leader = _submit_in_threads(combiner, [1], answers)
    _wait_until(lambda: batches == [[1]])
    behind = _submit_in_threads(combiner, [2], answers)

    behind[0].join(timeout=5)
    answered_while_stuck = dict(answers)
    stuck.set()
    leader[0].join(timeout=10)

    assert answered_while_stuck == {2: 4}
    assert batches == [[1], [2]]
    assert answers == {1: 2, 2: 4}
    assert combiner._pending == []
    assert combiner.submit(3) == 6  # and the line works on as before
