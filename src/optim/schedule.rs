//! Learning-rate schedules, as PyTorch's `StepLR`, `ExponentialLR` and `CosineAnnealingLR`
//! stepped once per optimizer step: update k + 1 (k = 0, 1, …) uses `lr_at(base, k)`.

use super::{check_range, Range, Refusal};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// A learning-rate schedule; the `"schedule"` object of a scenario.
///
/// `Deserialize` is written by hand, without serde's buffering of tagged enums; it reads the
/// JSON the derived `Serialize` writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum Schedule {
    /// `StepLR`: ηₖ = η₀·γ^⌊k / step_size⌋.
    Step {
        /// Steps between decays.
        step_size: u64,
        /// Multiplicative decay γ (PyTorch default 0.1).
        #[serde(default = "default_step_gamma")]
        gamma: f64,
    },
    /// `ExponentialLR`: ηₖ = η₀·γᵏ.
    Exponential {
        /// Multiplicative decay γ per step.
        gamma: f64,
    },
    /// `CosineAnnealingLR`: ηₖ = η_min + (η₀ − η_min)·(1 + cos(πk / T_max))/2 (SGDR without
    /// restarts, Loshchilov & Hutter, 2017; periodic beyond T_max as in PyTorch).
    Cosine {
        /// Half-period T_max in steps.
        t_max: u64,
        /// Floor η_min (default 0).
        #[serde(default)]
        eta_min: f64,
    },
}

// Each variant's fields, read as a plain struct by `Schedule::from_tagged`.
struct StepFields {
    step_size: u64,
    gamma: f64,
}

crate::read::fields::read_fields!(StepFields (StepFields { step_size: 0, gamma: default_step_gamma() }) {
    step_size: U64 required,
    gamma: F64,
});

struct ExponentialFields {
    gamma: f64,
}

crate::read::fields::read_fields!(ExponentialFields (ExponentialFields { gamma: 0.0 }) {
    gamma: F64 required,
});

struct CosineFields {
    t_max: u64,
    eta_min: f64,
}

crate::read::fields::read_fields!(CosineFields (CosineFields { t_max: 0, eta_min: 0.0 }) {
    t_max: U64 required,
    eta_min: F64,
});

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::read::tagged::deserialize_via(deserializer, Schedule::from_tagged)
    }
}

impl crate::read::fields::ReadValue for Schedule {
    fn read_value(value: &serde_json::Value) -> Result<Self, crate::read::Refusal> {
        Schedule::from_tagged(value.clone())
    }
}

impl Schedule {
    /// Reads `{"name": …, fields…}`.
    pub(crate) fn from_tagged(value: serde_json::Value) -> Result<Self, crate::read::Refusal> {
        let (index, rest) =
            crate::read::tagged::untag(value, "name", &["step", "exponential", "cosine"])?;
        let schedule = match index {
            0 => StepFields::read(&rest)
                .map(|StepFields { step_size, gamma }| Schedule::Step { step_size, gamma }),
            1 => ExponentialFields::read(&rest).map(|f| Schedule::Exponential { gamma: f.gamma }),
            _ => CosineFields::read(&rest)
                .map(|CosineFields { t_max, eta_min }| Schedule::Cosine { t_max, eta_min }),
        };
        schedule.map_err(|r| r.accepting_too(&["name"]))
    }
}

fn default_step_gamma() -> f64 {
    0.1
}

impl Schedule {
    /// The learning rate for the update that follows `k` completed steps.
    pub fn lr_at(&self, base_lr: f64, k: u64) -> f64 {
        match *self {
            Schedule::Step { step_size, gamma } => {
                base_lr * gamma.powi(saturating_i32(k / step_size.max(1)))
            }
            Schedule::Exponential { gamma } => base_lr * gamma.powi(saturating_i32(k)),
            Schedule::Cosine { t_max, eta_min } => {
                let t_max = t_max.max(1) as f64;
                eta_min + (base_lr - eta_min) * (1.0 + libm::cos(PI * k as f64 / t_max)) / 2.0
            }
        }
    }

    /// Checks each field's range; the error names the field.
    pub fn validate(&self) -> Result<(), Refusal> {
        match *self {
            Schedule::Step { step_size, gamma } => {
                check_range("step_size", step_size as f64, Range::at_least(1.0).whole())?;
                check_range("gamma", gamma, Range::closed(0.0, 1e3))
            }
            Schedule::Exponential { gamma } => check_range("gamma", gamma, Range::closed(0.0, 1e3)),
            Schedule::Cosine { t_max, eta_min } => {
                check_range("t_max", t_max as f64, Range::at_least(1.0).whole())?;
                super::check_non_negative("eta_min", eta_min)
            }
        }
    }
}

fn saturating_i32(k: u64) -> i32 {
    i32::try_from(k).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_lr_decays_at_multiples_of_step_size() {
        let s = Schedule::Step {
            step_size: 15,
            gamma: 0.5,
        };
        assert_eq!(s.lr_at(1.0, 0), 1.0);
        assert_eq!(s.lr_at(1.0, 14), 1.0);
        assert_eq!(s.lr_at(1.0, 15), 0.5);
        assert_eq!(s.lr_at(1.0, 45), 0.125);
    }

    #[test]
    fn exponential_lr_is_geometric() {
        let s = Schedule::Exponential { gamma: 0.5 };
        assert_eq!(s.lr_at(2.0, 3), 0.25);
    }

    #[test]
    fn cosine_reaches_eta_min_at_t_max_and_comes_back() {
        let s = Schedule::Cosine {
            t_max: 10,
            eta_min: 0.1,
        };
        assert_eq!(s.lr_at(1.0, 0), 1.0);
        assert!((s.lr_at(1.0, 10) - 0.1).abs() < 1e-15);
        assert!((s.lr_at(1.0, 20) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn zero_periods_are_refused() {
        assert!(Schedule::Step {
            step_size: 0,
            gamma: 0.1
        }
        .validate()
        .is_err());
        assert!(Schedule::Cosine {
            t_max: 0,
            eta_min: 0.0
        }
        .validate()
        .is_err());
        assert!(Schedule::Exponential { gamma: f64::NAN }
            .validate()
            .is_err());
    }
}
