//! `List` against a `VecDeque` model: random operations at both ends and in the middle,
//! with the O(1) memory figure checked against the packed size after every step.

use std::collections::VecDeque;

use cedis_types::List;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
    }
}

/// Bytes of the varint that prefixes (and suffixes) an element of `len` bytes.
fn varint_len(len: usize) -> usize {
    let mut k = 1;
    while len >> (7 * k) != 0 {
        k += 1;
    }
    k
}

/// The elements packed as the list stores them: each with its length before and after.
fn packed_bytes(list: &List) -> usize {
    list.iter().map(|e| e.len() + 2 * varint_len(e.len())).sum()
}

fn element(rng: &mut Rng) -> Vec<u8> {
    let len = rng.below(12);
    (0..len)
        .map(|_| b'a' + u8::try_from(rng.below(3)).unwrap())
        .collect()
}

#[test]
fn matches_a_model() {
    let mut rng = Rng(0x5eed_1157);
    let mut list = List::new();
    let mut model: VecDeque<Vec<u8>> = VecDeque::new();
    for step in 0..20_000 {
        match rng.below(10) {
            0 | 1 => {
                let e = element(&mut rng);
                list.push_front(&e);
                model.push_front(e);
            }
            2 | 3 => {
                let e = element(&mut rng);
                list.push_back(&e);
                model.push_back(e);
            }
            4 => assert_eq!(list.pop_front().map(Vec::from), model.pop_front()),
            5 => assert_eq!(list.pop_back().map(Vec::from), model.pop_back()),
            6 if !model.is_empty() => {
                let i = rng.below(model.len());
                let e = element(&mut rng);
                assert!(list.set(i, &e));
                model[i] = e;
            }
            7 => {
                let i = rng.below(model.len() + 1);
                let e = element(&mut rng);
                list.insert(i, &e);
                model.insert(i, e);
            }
            8 => {
                let e = element(&mut rng);
                let limit = rng.below(3);
                let from_tail = rng.below(2) == 1;
                let removed = list.remove_matching(&e, limit, from_tail);
                let mut left = if limit == 0 { usize::MAX } else { limit };
                let mut keep: Vec<bool> = vec![true; model.len()];
                let order: Vec<usize> = if from_tail {
                    (0..model.len()).rev().collect()
                } else {
                    (0..model.len()).collect()
                };
                for i in order {
                    if left > 0 && model[i] == e {
                        keep[i] = false;
                        left -= 1;
                    }
                }
                let expected = keep.iter().filter(|k| !**k).count();
                let mut flags = keep.into_iter();
                model.retain(|_| flags.next().unwrap());
                assert_eq!(removed, expected);
            }
            _ if model.len() > 50 => {
                let start = rng.below(model.len());
                let end = start + rng.below(model.len());
                list.retain_range(start, end);
                let end = end.min(model.len() - 1);
                model = model.range(start..=end).cloned().collect();
            }
            _ => {
                if let Some(i) = (!model.is_empty()).then(|| rng.below(model.len())) {
                    assert_eq!(list.remove(i).map(Vec::from), model.remove(i));
                }
            }
        }
        assert_eq!(list.len(), model.len(), "step {step}");
        if step % 97 == 0 {
            let got: Vec<&[u8]> = list.iter().collect();
            let want: Vec<&[u8]> = model.iter().map(Vec::as_slice).collect();
            assert_eq!(got, want, "step {step}");
            for (i, e) in model.iter().enumerate() {
                assert_eq!(list.get(i), Some(e.as_slice()));
            }
            assert_eq!(list.get(model.len()), None);
        }
        // The buffers hold at least the packed entries; the slack is bounded (at most
        // about half of each buffer after a change in the middle, plus the end chunks).
        let packed = packed_bytes(&list);
        let base = std::mem::size_of::<List>();
        assert!(list.mem_usage() >= base + packed, "step {step}");
        assert!(
            list.mem_usage() <= base + 2 * packed + 64 * 1024,
            "step {step}: {} for {packed}",
            list.mem_usage()
        );
    }
}

#[test]
fn ranges_and_positions() {
    let list: List = [&b"a"[..], b"b", b"c", b"b"].into_iter().collect();
    assert_eq!(list.range(1, 2).collect::<Vec<_>>(), [&b"b"[..], b"c"]);
    assert_eq!(list.range(2, 100).len(), 2);
    assert_eq!(list.range(3, 1).len(), 0);
    assert_eq!(list.position(b"b"), Some(1));
    assert_eq!(list.position(b"z"), None);
    assert_eq!(List::new().range(0, 0).len(), 0);
}

#[test]
fn emptied_list_gives_memory_back() {
    let mut list = List::new();
    let e = vec![b'x'; 100];
    for _ in 0..10_000 {
        list.push_back(&e);
    }
    let full = list.mem_usage();
    while list.len() > 1 {
        list.pop_front();
    }
    assert!(
        list.mem_usage() < full / 100,
        "{} of {full}",
        list.mem_usage()
    );
    list.retain_range(1, 0);
    assert!(list.is_empty());
    assert_eq!(list.encoding(), "quicklist");
}
