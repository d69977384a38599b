"""The training slots and the line for them: first come, first served, leases, the wait."""
from server.slots import TrainingSlots


def clocked(capacity, lease=10.0):
    now = [0.0]
    return TrainingSlots(capacity, lease=lease, clock=lambda: now[0]), now


def test_slots_go_to_the_line_in_order_never_to_a_newcomer():
    slots, now = clocked(1)
    assert slots.acquire("a", 30)
    assert slots.wait("b", 20) == 1 and slots.wait("c", 20) == 2 and slots.wait("b", 20) == 1  # b keeps its place
    slots.release("a")
    assert not slots.acquire("newcomer")                  # b and c were first
    assert slots.wait("c", 20) == 2                        # c is still behind b
    assert slots.wait("b", 20) == 0 and slots.in_use() == 1 and slots.waiting() == 1
    assert slots.wait("c", 20) == 1


def test_a_closed_tab_leaves_the_line_after_the_lease_and_cancel_at_once():
    slots, now = clocked(1)
    assert slots.acquire("a")
    slots.wait("b", 5), slots.wait("c", 5), slots.wait("d", 5)
    now[0] = 6
    slots.wait("c", 5), slots.renew("a")
    now[0] = 12                                           # b and d stopped renewing 12 s ago
    assert slots.wait("c", 5) == 1 and slots.waiting() == 1
    slots.leave("c")
    assert slots.waiting() == 0


def test_a_lapsed_holder_does_not_jump_the_line():
    slots, now = clocked(1)
    assert slots.acquire("a")
    now[0] = 11                                           # a's lease lapsed (a throttled tab)
    assert slots.wait("b", 5) == 0                        # b was waiting: the free slot is b's
    assert not slots.renew("a")


def test_the_wait_adds_up_the_runs_ahead():
    slots, now = clocked(2, lease=30)
    assert slots.acquire("a", 60) and slots.acquire("b", 100)
    assert slots.wait("c", 50) == 1 and slots.wait("d", 30) == 2 and slots.wait("e", 10) == 3
    assert slots.wait_seconds("c") == 60                  # a's slot frees first
    assert slots.wait_seconds("d") == 100                 # b's slot (a's goes to c until 110)
    assert slots.wait_seconds("e") == 110                 # c's run ends at 60 + 50
    now[0] = 20
    slots.wait("c", 50)
    assert slots.wait_seconds("c") == 40                  # holders' time left counts down
    assert slots.wait_seconds("nobody") == 0


def test_a_free_slot_goes_to_the_first_in_line_at_once():
    slots, now = clocked(2)
    assert slots.acquire("a", 60)
    assert slots.wait("b", 10) == 0 and slots.in_use() == 2 and slots.waiting() == 0
