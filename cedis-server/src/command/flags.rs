//! Command flags and ACL categories, as bit sets whose bit order is the order Redis prints
//! them in `COMMAND INFO`.

/// Command flags (`COMMAND INFO` element 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(u32);

macro_rules! bitset {
    ($ty:ident, $names:ident, [$(($const:ident, $name:literal)),* $(,)?]) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[repr(u32)]
        enum Bit { $($const),* }

        impl $ty {
            $(pub const $const: $ty = $ty(1 << (Bit::$const as u32));)*

            pub const fn union(self, other: $ty) -> $ty {
                $ty(self.0 | other.0)
            }

            pub const fn contains(self, other: $ty) -> bool {
                self.0 & other.0 == other.0
            }

            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Whether any flag of `other` is set.
            pub const fn intersects(self, other: $ty) -> bool {
                self.0 & other.0 != 0
            }

            /// Names in Redis's order.
            pub fn names(self) -> impl Iterator<Item = &'static str> {
                $names.iter().enumerate().filter(move |(bit, _)| self.0 & (1 << bit) != 0).map(|(_, name)| *name)
            }

            /// Looks a name up case-insensitively (for `COMMAND LIST FILTERBY`).
            pub fn from_name(name: &[u8]) -> Option<$ty> {
                $names.iter().position(|n| n.as_bytes().eq_ignore_ascii_case(name)).map(|bit| $ty(1 << bit))
            }
        }

        const $names: &[&str] = &[$($name),*];

        impl std::ops::BitOr for $ty {
            type Output = $ty;
            fn bitor(self, other: $ty) -> $ty {
                self.union(other)
            }
        }
    };
}

mod flag_bits {
    use super::Flags;
    bitset!(
        Flags,
        FLAG_NAMES,
        [
            (WRITE, "write"),
            (READONLY, "readonly"),
            (DENYOOM, "denyoom"),
            (MODULE, "module"),
            (ADMIN, "admin"),
            (PUBSUB, "pubsub"),
            (NOSCRIPT, "noscript"),
            (BLOCKING, "blocking"),
            (LOADING, "loading"),
            (STALE, "stale"),
            (SKIP_MONITOR, "skip_monitor"),
            (SKIP_SLOWLOG, "skip_slowlog"),
            (ASKING, "asking"),
            (FAST, "fast"),
            (NO_AUTH, "no_auth"),
            (MAY_REPLICATE, "may_replicate"),
            (NO_MANDATORY_KEYS, "no_mandatory_keys"),
            (NO_ASYNC_LOADING, "no_async_loading"),
            (NO_MULTI, "no_multi"),
            (MOVABLEKEYS, "movablekeys"),
            (ALLOW_BUSY, "allow_busy"),
        ]
    );
}

/// ACL categories (`COMMAND INFO` element 7). Some are implied by flags, as in Redis:
/// see [`Acl::with_implied`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Acl(u32);

mod acl_bits {
    use super::Acl;
    bitset!(
        Acl,
        ACL_NAMES,
        [
            (KEYSPACE, "keyspace"),
            (READ, "read"),
            (WRITE, "write"),
            (SET, "set"),
            (SORTEDSET, "sortedset"),
            (LIST, "list"),
            (HASH, "hash"),
            (STRING, "string"),
            (BITMAP, "bitmap"),
            (HYPERLOGLOG, "hyperloglog"),
            (GEO, "geo"),
            (STREAM, "stream"),
            (PUBSUB, "pubsub"),
            (ADMIN, "admin"),
            (FAST, "fast"),
            (SLOW, "slow"),
            (BLOCKING, "blocking"),
            (DANGEROUS, "dangerous"),
            (CONNECTION, "connection"),
            (TRANSACTION, "transaction"),
            (SCRIPTING, "scripting"),
        ]
    );
}

impl Flags {
    pub const NONE: Flags = Flags(0);
}

impl Acl {
    pub const NONE: Acl = Acl(0);

    /// Adds the categories Redis derives from flags: `@write`, `@read`, `@admin` +
    /// `@dangerous`, `@pubsub`, `@blocking`, and `@fast` or else `@slow`.
    pub const fn with_implied(self, flags: Flags) -> Acl {
        let mut acl = self;
        if flags.contains(Flags::WRITE) {
            acl = acl.union(Acl::WRITE);
        }
        if flags.contains(Flags::READONLY) && !self.contains(Acl::SCRIPTING) {
            acl = acl.union(Acl::READ);
        }
        if flags.contains(Flags::ADMIN) {
            acl = acl.union(Acl::ADMIN).union(Acl::DANGEROUS);
        }
        if flags.contains(Flags::PUBSUB) {
            acl = acl.union(Acl::PUBSUB);
        }
        if flags.contains(Flags::BLOCKING) {
            acl = acl.union(Acl::BLOCKING);
        }
        if flags.contains(Flags::FAST) {
            acl = acl.union(Acl::FAST);
        } else {
            acl = acl.union(Acl::SLOW);
        }
        acl
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_out_in_redis_order() {
        let flags = Flags::FAST | Flags::LOADING | Flags::NOSCRIPT;
        assert_eq!(
            flags.names().collect::<Vec<_>>(),
            ["noscript", "loading", "fast"]
        );
        let acl = Acl::CONNECTION.with_implied(Flags::ADMIN);
        assert_eq!(
            acl.names().collect::<Vec<_>>(),
            ["admin", "slow", "dangerous", "connection"]
        );
    }
}
