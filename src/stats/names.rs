//! Names for the method enums: one declaration gives `name()`, `ALL`, `Display` and `FromStr`, so the
//! command-line examples, serde and error messages all spell a method the same way.

/// Implements `name`, `ALL`, `Display` and `FromStr` for a fieldless enum.
///
/// Canonical names are kebab-case (matching `#[serde(rename_all = "kebab-case")]` on the enum);
/// parsing is case-insensitive, treats `_` as `-`, and accepts the listed aliases.
macro_rules! method_names {
    (
        $ty:ty, $kind:literal,
        $v0:ident => $n0:literal $(| $a0:literal)*
        $(, $v:ident => $n:literal $(| $a:literal)*)* $(,)?
    ) => {
        impl $ty {
            /// Every variant, in declaration order.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use survey_analytics::", stringify!($ty), ";")]
            #[doc = concat!("assert_eq!(", stringify!($ty), "::ALL[0], ", stringify!($ty), "::", stringify!($v0), ");")]
            /// ```
            pub const ALL: &'static [Self] = &[Self::$v0 $(, Self::$v)*];

            /// The canonical name: what `Display` prints, `FromStr` and serde accept.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use survey_analytics::", stringify!($ty), ";")]
            #[doc = concat!("let first = ", stringify!($ty), "::", stringify!($v0), ";")]
            #[doc = concat!("assert_eq!(first.name(), \"", $n0, "\");")]
            #[doc = concat!("assert_eq!(first.name().parse::<", stringify!($ty), ">()?, first);")]
            /// # Ok::<(), survey_analytics::Error>(())
            /// ```
            pub fn name(self) -> &'static str {
                match self {
                    Self::$v0 => $n0,
                    $(Self::$v => $n,)*
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = crate::Error;

            fn from_str(s: &str) -> crate::Result<Self> {
                let key = s.trim().to_ascii_lowercase().replace('_', "-");
                match key.as_str() {
                    $n0 $(| $a0)* => Ok(Self::$v0),
                    $($n $(| $a)* => Ok(Self::$v),)*
                    _ => Err(crate::Error::UnknownName {
                        kind: $kind,
                        name: s.to_string(),
                        expected: concat!($n0 $(, ", ", $n)*),
                    }),
                }
            }
        }
    };
}

pub(crate) use method_names;
