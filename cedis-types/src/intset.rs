//! [`IntSet`]: Redis's compact sorted set of integers, stored in the narrowest width
//! (16, 32 or 64 bits) that holds every member and upgraded in place when a wider
//! member arrives. Lookups are binary searches.

/// The members, sorted ascending and distinct, at one width.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Members {
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
}

/// A sorted set of distinct `i64`s in the narrowest encoding that fits them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntSet {
    members: Members,
}

impl Default for IntSet {
    fn default() -> Self {
        IntSet::new()
    }
}

/// The bytes a member needs: 2, 4 or 8.
fn width_of(value: i64) -> usize {
    if i16::try_from(value).is_ok() {
        2
    } else if i32::try_from(value).is_ok() {
        4
    } else {
        8
    }
}

impl IntSet {
    pub fn new() -> IntSet {
        IntSet {
            members: Members::I16(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match &self.members {
            Members::I16(v) => v.len(),
            Members::I32(v) => v.len(),
            Members::I64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The current member width in bytes (2, 4 or 8).
    pub fn width(&self) -> usize {
        match &self.members {
            Members::I16(_) => 2,
            Members::I32(_) => 4,
            Members::I64(_) => 8,
        }
    }

    /// Heap bytes held (capacity times width).
    pub fn heap_bytes(&self) -> usize {
        match &self.members {
            Members::I16(v) => v.capacity() * 2,
            Members::I32(v) => v.capacity() * 4,
            Members::I64(v) => v.capacity() * 8,
        }
    }

    /// Where `value` is (`Ok`) or would go (`Err`).
    fn search(&self, value: i64) -> Result<usize, usize> {
        match &self.members {
            Members::I16(v) => match i16::try_from(value) {
                Ok(x) => v.binary_search(&x),
                Err(_) => Err(if value < 0 { 0 } else { v.len() }),
            },
            Members::I32(v) => match i32::try_from(value) {
                Ok(x) => v.binary_search(&x),
                Err(_) => Err(if value < 0 { 0 } else { v.len() }),
            },
            Members::I64(v) => v.binary_search(&value),
        }
    }

    pub fn contains(&self, value: i64) -> bool {
        self.search(value).is_ok()
    }

    fn upgrade(&mut self, width: usize) {
        let members = std::mem::replace(&mut self.members, Members::I16(Vec::new()));
        self.members = match (members, width) {
            (Members::I16(v), 4) => Members::I32(v.into_iter().map(i32::from).collect()),
            (Members::I16(v), 8) => Members::I64(v.into_iter().map(i64::from).collect()),
            (Members::I32(v), 8) => Members::I64(v.into_iter().map(i64::from).collect()),
            (members, _) => members,
        };
    }

    /// Adds `value`; whether it was new.
    pub fn insert(&mut self, value: i64) -> bool {
        if width_of(value) > self.width() {
            self.upgrade(width_of(value));
        }
        let Err(pos) = self.search(value) else {
            return false;
        };
        // The width now fits `value`, so these conversions cannot fail.
        match &mut self.members {
            Members::I16(v) => v.insert(pos, i16::try_from(value).unwrap_or_default()),
            Members::I32(v) => v.insert(pos, i32::try_from(value).unwrap_or_default()),
            Members::I64(v) => v.insert(pos, value),
        }
        true
    }

    /// Removes `value`; whether it was there.
    pub fn remove(&mut self, value: i64) -> bool {
        let Ok(pos) = self.search(value) else {
            return false;
        };
        self.remove_at(pos);
        true
    }

    /// Removes and returns the member at `index` (in ascending order).
    pub fn remove_at(&mut self, index: usize) -> i64 {
        match &mut self.members {
            Members::I16(v) => i64::from(v.remove(index)),
            Members::I32(v) => i64::from(v.remove(index)),
            Members::I64(v) => v.remove(index),
        }
    }

    /// The member at `index` in ascending order.
    pub fn get(&self, index: usize) -> Option<i64> {
        match &self.members {
            Members::I16(v) => v.get(index).map(|&x| i64::from(x)),
            Members::I32(v) => v.get(index).map(|&x| i64::from(x)),
            Members::I64(v) => v.get(index).copied(),
        }
    }

    /// The members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len()).filter_map(move |i| self.get(i))
    }

    pub fn shrink_to_fit(&mut self) {
        match &mut self.members {
            Members::I16(v) => v.shrink_to_fit(),
            Members::I32(v) => v.shrink_to_fit(),
            Members::I64(v) => v.shrink_to_fit(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrades_width_and_keeps_order() {
        let mut s = IntSet::new();
        assert!(s.insert(5));
        assert!(!s.insert(5));
        assert_eq!(s.width(), 2);
        assert!(s.insert(-70_000));
        assert_eq!(s.width(), 4);
        assert!(s.insert(i64::MAX));
        assert_eq!(s.width(), 8);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![-70_000, 5, i64::MAX]);
        assert!(s.remove(5));
        assert!(!s.contains(5));
        assert!(s.contains(i64::MAX));
    }
}
