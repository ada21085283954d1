//! A challenge's goal: a loss to get below, within an optional budget of steps, samples seen or
//! epochs — `loss<0.01@samples<=200` in a link, `{"loss_below":0.01,"samples":200}` in a
//! scenario. The run judges each racer against it step by step ([`Goal::judge`]).

use crate::read::{Problem, Range, Refusal, Unfit};
use serde::Serialize;

/// What a challenge asks of a racer: its full-objective loss below `loss_below`, at or before the
/// budget given (at most one of `steps`, `samples`, `epochs`; none: within the step budget).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Goal {
    /// The loss to get below (finite, > 0).
    pub loss_below: f64,
    /// Within this many updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<u64>,
    /// Within this many samples seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<u64>,
    /// Within this many epochs (fractional).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epochs: Option<f64>,
}

crate::read::fields::read_fields!(Goal (Goal { loss_below: 0.0, steps: None, samples: None, epochs: None }) {
    loss_below: F64 required,
    steps: OptU64,
    samples: OptU64,
    epochs: OptF64,
});

/// The budgets a goal accepts: steps and samples whole from 1 to 1e12, epochs above 0.
const WHOLE_BUDGET: Range = Range::closed(1.0, 1e12).whole();

/// Where one racer stands against the goal.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Not yet met, and the budget not yet spent.
    Open,
    /// The loss got below the goal at this point.
    Met {
        /// Updates taken.
        step: u64,
        /// Samples seen.
        samples: u64,
        /// The loss there.
        loss: f64,
    },
    /// The budget was spent, or the racer stopped, before the loss got below the goal.
    Missed {
        /// Updates taken when it was missed.
        step: u64,
    },
}

impl Goal {
    /// Checks the threshold (finite, > 0) and the budget (at most one, in range); a refusal
    /// names the field.
    pub fn validate(&self) -> Result<(), Refusal> {
        super::check(self.loss_below, Range::above(0.0)).map_err(|r| r.in_key("loss_below"))?;
        let given = [
            self.steps.is_some(),
            self.samples.is_some(),
            self.epochs.is_some(),
        ];
        if given.iter().filter(|&&g| g).count() > 1 {
            return Err(Refusal::here(Problem::unfit(Unfit::GoalOneBudget)));
        }
        for (name, value) in [("steps", self.steps), ("samples", self.samples)] {
            if let Some(v) = value {
                super::check(v as f64, WHOLE_BUDGET).map_err(|r| r.in_key(name))?;
            }
        }
        if let Some(epochs) = self.epochs {
            super::check(epochs, Range::above(0.0)).map_err(|r| r.in_key("epochs"))?;
        }
        Ok(())
    }

    /// Reads the text form, `loss<0.01` or `loss<0.01@samples<=200` (`steps`, `samples` or
    /// `epochs`); the refusal says how it is written, or which number is out of range.
    pub fn from_text(text: &str) -> Result<Goal, Refusal> {
        let unfit = || Refusal::here(Problem::unfit(Unfit::GoalForm));
        let (target, budget) = match text.split_once('@') {
            Some((target, budget)) => (target, Some(budget)),
            None => (text, None),
        };
        let threshold = target.trim().strip_prefix("loss<").ok_or_else(unfit)?;
        // Read as `f64::from_str` does, without linking core's parser into the wasm (float_text).
        let number = |s: &str| crate::read::float_text::parse_f64(s.trim()).ok_or_else(unfit);
        let mut goal = Goal {
            loss_below: number(threshold)?,
            steps: None,
            samples: None,
            epochs: None,
        };
        if let Some(budget) = budget {
            let (axis, amount) = budget.split_once("<=").ok_or_else(unfit)?;
            let amount = number(amount)?;
            let whole = || {
                super::check(amount, WHOLE_BUDGET)
                    .map(|()| amount as u64)
                    .map_err(|r| r.in_key(axis.trim()))
            };
            match axis.trim() {
                "steps" => goal.steps = Some(whole()?),
                "samples" => goal.samples = Some(whole()?),
                "epochs" => goal.epochs = Some(amount),
                _ => return Err(unfit()),
            }
        }
        goal.validate()?;
        Ok(goal)
    }

    /// The text form, as [`Goal::from_text`] reads it.
    pub fn to_text(&self) -> String {
        let target = format!("loss<{}", self.loss_below);
        match (self.steps, self.samples, self.epochs) {
            (Some(steps), _, _) => format!("{target}@steps<={steps}"),
            (_, Some(samples), _) => format!("{target}@samples<={samples}"),
            (_, _, Some(epochs)) => format!("{target}@epochs<={epochs}"),
            _ => target,
        }
    }

    /// Judges one trace line (the state after `step` updates): met when the loss is below the
    /// goal within the budget; missed once the budget is exceeded or the racer has `stopped`
    /// (diverged, converged elsewhere, or spent its step budget) without meeting it; else open.
    pub fn judge(
        &self,
        step: u64,
        samples: u64,
        epoch: f64,
        loss: Option<f64>,
        stopped: bool,
    ) -> Verdict {
        let within = self.steps.is_none_or(|s| step <= s)
            && self.samples.is_none_or(|s| samples <= s)
            && self.epochs.is_none_or(|e| epoch <= e + 1e-9);
        match loss {
            Some(loss) if within && loss < self.loss_below => Verdict::Met {
                step,
                samples,
                loss,
            },
            _ if !within || stopped => Verdict::Missed { step },
            _ => Verdict::Open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_form_reads_and_writes_back() {
        for text in [
            "loss<0.01",
            "loss<0.01@samples<=200",
            "loss<1e-6@steps<=500",
            "loss<0.5@epochs<=2.5",
        ] {
            let goal = Goal::from_text(text).unwrap_or_else(|r| panic!("{text}: {r}"));
            assert_eq!(Goal::from_text(&goal.to_text()), Ok(goal.clone()), "{text}");
        }
        let goal = Goal::from_text("loss<0.01@samples<=200").expect("reads");
        assert_eq!((goal.loss_below, goal.samples), (0.01, Some(200)));
    }

    #[test]
    fn bad_goals_are_refused_with_where_and_why() {
        for text in [
            "",
            "loss",
            "accuracy>0.9",
            "loss<abc",
            "loss<0.01@",
            "loss<0.01@minutes<=3",
            "loss<0.01@samples<200",
        ] {
            let refusal = Goal::from_text(text).expect_err(text);
            assert!(
                refusal.to_string().contains("loss<0.01@samples<=200"),
                "{text}: {refusal}"
            );
        }
        assert_eq!(
            Goal::from_text("loss<-1").expect_err("negative").field(),
            "loss_below"
        );
        assert_eq!(
            Goal::from_text("loss<0.1@samples<=0")
                .expect_err("zero")
                .field(),
            "samples"
        );
        assert_eq!(
            Goal::from_text("loss<0.1@steps<=2.5")
                .expect_err("fraction")
                .field(),
            "steps"
        );
    }

    #[test]
    fn judging_a_run() {
        let goal = Goal::from_text("loss<0.01@samples<=200").expect("reads");
        assert_eq!(goal.judge(3, 150, 1.5, Some(0.5), false), Verdict::Open);
        assert_eq!(
            goal.judge(4, 200, 2.0, Some(0.005), false),
            Verdict::Met {
                step: 4,
                samples: 200,
                loss: 0.005
            }
        );
        assert_eq!(
            goal.judge(5, 250, 2.5, Some(0.001), false),
            Verdict::Missed { step: 5 }
        );
        assert_eq!(
            goal.judge(2, 100, 1.0, None, true),
            Verdict::Missed { step: 2 },
            "diverged"
        );
    }
}
