//! The data sets' tests: determinism, pinned values, geometry, split, standardisation, refusals.
#![allow(clippy::unwrap_used)]

use super::draw::sin_cos_turns;
use super::*;
use std::f64::consts::PI;

fn spec(name: DatasetName, n: usize, noise: f64, seed: u64) -> DatasetSpec {
    DatasetSpec {
        n,
        noise: Some(noise),
        seed,
        ..DatasetSpec::new(name)
    }
}

/// Every point of a set, train then test, as `[x1, x2, target]` (1-D: `[x, 0, y]`).
fn all_points(d: &Dataset) -> Vec<[f64; 3]> {
    match d.points_2d() {
        Some(Split { train, test }) => train.iter().chain(test).copied().collect(),
        None => {
            let Split { train, test } = d.points_1d().unwrap();
            train
                .iter()
                .chain(test)
                .map(|p| [p[0], 0.0, p[1]])
                .collect()
        }
    }
}

const CLASSIFICATION: [DatasetName; 5] = [
    DatasetName::Circle,
    DatasetName::Xor,
    DatasetName::Gaussians,
    DatasetName::Spiral,
    DatasetName::Moons,
];

#[test]
fn deterministic_per_seed_and_different_across_seeds() {
    for &name in DatasetName::ALL {
        for noise in [0.0, 0.1] {
            let a = spec(name, 50, noise, 7).generate().unwrap();
            let b = spec(name, 50, noise, 7).generate().unwrap();
            let c = spec(name, 50, noise, 8).generate().unwrap();
            assert_eq!(a, b, "{name:?}");
            assert_ne!(a, c, "{name:?}");
        }
    }
}

/// Pinned values: a change in the generator (or in rand's value stability) shows up here.
/// The same numbers must come out in WebAssembly (`Pcg64Mcg`, 53-bit uniforms and
/// `StandardNormal` are value-stable across platforms).
#[test]
fn pinned_values() {
    let d = spec(DatasetName::Circle, 4, 0.0, 0).generate().unwrap();
    let expected = Dataset::Classification {
        train: vec![
            [0.45622082751564197, -0.5894547189934826, 0.0],
            [-0.14298973934119252, 0.08819042324451985, 1.0],
        ],
        test: vec![
            [0.0036483744787385447, -0.006509933325727479, 1.0],
            [-0.9082248794484247, -0.10764897944631652, 0.0],
        ],
    };
    assert_eq!(d, expected);
    let line = spec(DatasetName::Linear, 3, 0.1, 5).generate().unwrap();
    let expected = Dataset::Regression1d {
        train: vec![[-0.8288730778953111, -0.35716462065104093]],
        test: vec![
            [0.40596087964687855, 0.21752408021789651],
            [0.33543054191138233, 0.1274763967944524],
        ],
        truth: [0.31363941591446914, 0.08384830911615687],
    };
    assert_eq!(line, expected);
}

#[test]
fn portable_sine_and_cosine() {
    assert_eq!(sin_cos_turns(0.0), (0.0, 1.0));
    assert_eq!(sin_cos_turns(0.25), (1.0, 0.0));
    assert_eq!(sin_cos_turns(0.5), (0.0, -1.0));
    assert_eq!(sin_cos_turns(0.75), (-1.0, 0.0));
    for k in 0..=20_000 {
        let f = f64::from(k) / 4000.0 - 0.5;
        let (s, c) = sin_cos_turns(f);
        // The reference's own argument is rounded (by up to an ulp of 2π, after reducing f).
        let t = 2.0 * PI * (f - f.floor());
        assert!(
            (s - libm::sin(t)).abs() <= 3e-15,
            "sin {f}: {s} vs {}",
            libm::sin(t)
        );
        assert!(
            (c - libm::cos(t)).abs() <= 3e-15,
            "cos {f}: {c} vs {}",
            libm::cos(t)
        );
    }
}

#[test]
fn classes_are_balanced_and_labels_binary() {
    for name in CLASSIFICATION {
        for n in [1, 2, 7, 200, 201] {
            let d = spec(name, n, 0.3, 3).generate().unwrap();
            assert_eq!(d.kind(), DatasetKind::Classification);
            let pts = all_points(&d);
            assert_eq!(pts.len(), n);
            assert!(pts.iter().all(|p| p[2] == 0.0 || p[2] == 1.0));
            let ones = pts.iter().filter(|p| p[2] == 1.0).count();
            assert_eq!(ones, n.div_ceil(2), "{name:?} n={n}");
        }
    }
}

#[test]
fn sizes_and_split() {
    for &name in DatasetName::ALL {
        for (n, f, expected_test) in [
            (200, 0.5, 100),
            (10, 0.25, 3),
            (10, 0.0, 0),
            (1, 0.5, 0),
            (2, 0.9, 1),
            (3, 0.99, 2),
            (10_000, 0.3, 3000),
        ] {
            let s = DatasetSpec {
                n,
                test_fraction: f,
                ..DatasetSpec::new(name)
            };
            let d = s.generate().unwrap();
            assert_eq!(d.test_len(), expected_test, "{name:?} n={n} f={f}");
            assert_eq!(d.train_len(), n - expected_test);
            assert!(d.train_len() >= 1);
            assert_eq!(s.test_count(), expected_test);
        }
    }
}

#[test]
fn every_value_is_finite_and_in_about_the_unit_box() {
    for &name in DatasetName::ALL {
        for noise in [0.0, 0.05, 1.0] {
            let d = spec(name, 500, noise, 11).generate().unwrap();
            for p in all_points(&d) {
                assert!(p.iter().all(|v| v.is_finite()), "{name:?}");
            }
            if noise == 0.0 {
                for p in all_points(&d) {
                    let bound = if name == DatasetName::Gaussians {
                        1.2
                    } else {
                        1.0 + 1e-12
                    };
                    assert!(p[0].abs() <= bound && p[1].abs() <= bound, "{name:?} {p:?}");
                }
            }
        }
    }
}

#[test]
fn standardisation_uses_train_statistics() {
    for &name in DatasetName::ALL {
        let s = DatasetSpec {
            n: 301,
            noise: Some(0.2),
            seed: 5,
            test_fraction: 0.3,
            standardize: true,
            classes: 2,
            name,
        };
        let d = s.generate().unwrap();
        let raw = DatasetSpec {
            standardize: false,
            ..s.clone()
        }
        .generate()
        .unwrap();
        let dims = if d.kind() == DatasetKind::Regression1d {
            1
        } else {
            2
        };
        let train: Vec<[f64; 3]> = all_points(&d)[..d.train_len()].to_vec();
        let raw_all = all_points(&raw);
        let raw_train = &raw_all[..raw.train_len()];
        for j in [0, 1].into_iter().take(dims) {
            let n = train.len() as f64;
            let mean = train.iter().map(|p| p[j]).sum::<f64>() / n;
            let var = train.iter().map(|p| (p[j] - mean).powi(2)).sum::<f64>() / n;
            assert!(mean.abs() < 1e-12, "{name:?} mean {mean}");
            assert!((var - 1.0).abs() < 1e-12, "{name:?} var {var}");
            // Test points use the same affine map as the training points.
            let raw_mean = raw_train.iter().map(|p| p[j]).sum::<f64>() / n;
            let raw_sd = (raw_train
                .iter()
                .map(|p| (p[j] - raw_mean).powi(2))
                .sum::<f64>()
                / n)
                .sqrt();
            for (z, x) in all_points(&d).iter().zip(&raw_all) {
                assert!((z[j] - (x[j] - raw_mean) / raw_sd).abs() < 1e-12);
            }
        }
        // Targets and labels are untouched.
        for (z, x) in all_points(&d).iter().zip(&raw_all) {
            assert_eq!(z[2], x[2]);
        }
    }
    // A single training point: shifted to 0, not divided by a zero spread.
    let one = DatasetSpec {
        n: 1,
        standardize: true,
        ..DatasetSpec::new(DatasetName::Xor)
    }
    .generate()
    .unwrap();
    let Split { train, .. } = one.points_2d().unwrap();
    assert_eq!(train[0][..2], [0.0, 0.0]);
}

#[test]
fn noise_only_jitters_the_same_underlying_points() {
    let clean = spec(DatasetName::Spiral, 100, 0.0, 4).generate().unwrap();
    let a = all_points(&clean);
    let b = all_points(&spec(DatasetName::Spiral, 100, 0.01, 4).generate().unwrap());
    let c = all_points(&spec(DatasetName::Spiral, 100, 0.02, 4).generate().unwrap());
    for ((p, q), r) in a.iter().zip(&b).zip(&c) {
        assert_eq!(p[2], q[2]);
        for j in 0..2 {
            // Same direction, doubled length.
            assert!(((r[j] - p[j]) - 2.0 * (q[j] - p[j])).abs() < 1e-12);
        }
    }
}

#[test]
fn geometry_with_no_noise() {
    let n = 1000;
    let check = |name: DatasetName, rule: &dyn Fn(&[f64; 3]) -> bool, min_share: f64| {
        let pts = all_points(&spec(name, n, 0.0, 21).generate().unwrap());
        let ok = pts.iter().filter(|p| rule(p)).count();
        assert!(
            ok as f64 >= min_share * n as f64,
            "{name:?}: {ok} of {n} satisfy the rule"
        );
    };
    check(
        DatasetName::Circle,
        &|p| (libm::hypot(p[0], p[1]) < 0.6) == (p[2] == 1.0) && libm::hypot(p[0], p[1]) <= 1.0,
        1.0,
    );
    check(
        DatasetName::Xor,
        &|p| (p[0] * p[1] > 0.0) == (p[2] == 1.0) && p[0].abs().min(p[1].abs()) >= 0.05,
        1.0,
    );
    check(
        DatasetName::Gaussians,
        &|p| (p[0] + p[1] > 0.0) == (p[2] == 1.0),
        0.995,
    );
    // Moons: each point lies on its own (scaled) arc.
    check(
        DatasetName::Moons,
        &|p| {
            let (x, y) = (1.5 * p[0] + 0.5, 1.5 * p[1] + 0.25);
            let (cx, cy) = if p[2] == 1.0 { (1.0, 0.5) } else { (0.0, 0.0) };
            (libm::hypot(x - cx, y - cy) - 1.0).abs() < 1e-12
        },
        1.0,
    );
    // Spiral: r = u and the angle θ = 3.5π·r (+ π for label 0), modulo 2π.
    check(
        DatasetName::Spiral,
        &|p| {
            let r = libm::hypot(p[0], p[1]);
            let theta = libm::atan2(p[0], p[1]);
            let expected = 3.5 * PI * r + if p[2] == 1.0 { 0.0 } else { PI };
            let d = (theta - expected).rem_euclid(2.0 * PI);
            d.min(2.0 * PI - d) < 1e-9 || r < 1e-9
        },
        1.0,
    );
    // The interleaved sets are locally separable: nearest neighbours share the class.
    for name in [DatasetName::Moons, DatasetName::Spiral, DatasetName::Circle] {
        let pts = all_points(&spec(name, 600, 0.0, 2).generate().unwrap());
        let same = pts
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                let nearest = pts
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| j != i)
                    .min_by(|(_, a), (_, b)| {
                        let da = libm::hypot(a[0] - p[0], a[1] - p[1]);
                        let db = libm::hypot(b[0] - p[0], b[1] - p[1]);
                        da.total_cmp(&db)
                    })
                    .unwrap()
                    .1;
                nearest[2] == p[2]
            })
            .count();
        assert!(same as f64 >= 0.97 * pts.len() as f64, "{name:?}: {same}");
    }
}

#[test]
fn regression_sets_follow_their_truth() {
    for standardize in [false, true] {
        let line = DatasetSpec {
            noise: Some(0.0),
            standardize,
            seed: 9,
            ..DatasetSpec::new(DatasetName::Linear)
        }
        .generate()
        .unwrap();
        assert_eq!(line.kind(), DatasetKind::Regression1d);
        assert!(line.points_2d().is_none());
        let [a, b] = line.truth().unwrap() else {
            panic!("two coefficients")
        };
        if !standardize {
            assert!((0.25..=0.75).contains(&a.abs()) && b.abs() <= 0.25);
        }
        let Split { train, test } = line.points_1d().unwrap();
        for p in train.iter().chain(test) {
            assert!((a * p[0] + b - p[1]).abs() < 1e-12);
            if !standardize {
                assert!(p[0].abs() <= 1.0 && p[1].abs() <= 1.0);
            }
        }
        let plane = DatasetSpec {
            noise: Some(0.0),
            standardize,
            seed: 9,
            ..DatasetSpec::new(DatasetName::Plane)
        }
        .generate()
        .unwrap();
        assert_eq!(plane.kind(), DatasetKind::Regression2d);
        assert!(plane.points_1d().is_none());
        let [c1, c2, c0] = plane.truth().unwrap() else {
            panic!("three coefficients")
        };
        let Split { train, test } = plane.points_2d().unwrap();
        for p in train.iter().chain(test) {
            assert!((c1 * p[0] + c2 * p[1] + c0 - p[2]).abs() < 1e-12);
        }
    }
    // Noise shows up as residual spread of about σ.
    let noisy = spec(DatasetName::Linear, 4000, 0.3, 1).generate().unwrap();
    let [a, b] = noisy.truth().unwrap() else {
        panic!()
    };
    let Split { train, test } = noisy.points_1d().unwrap();
    let pts: Vec<_> = train.iter().chain(test).collect();
    let var = pts
        .iter()
        .map(|p| (p[1] - a * p[0] - b).powi(2))
        .sum::<f64>()
        / pts.len() as f64;
    assert!((var.sqrt() - 0.3).abs() < 0.02, "{}", var.sqrt());
    assert!(Dataset::Classification {
        train: vec![],
        test: vec![]
    }
    .truth()
    .is_none());
}

#[test]
fn validation_messages() {
    let good = DatasetSpec::new(DatasetName::Moons);
    assert!(good.validate().is_ok());
    let refuse = |edit: &dyn Fn(&mut DatasetSpec), expected: &str| {
        let mut s = good.clone();
        edit(&mut s);
        assert_eq!(s.validate().unwrap_err().to_string(), expected);
        assert_eq!(s.generate().unwrap_err().to_string(), expected);
    };
    refuse(
        &|s| s.n = 0,
        "n: 0 is out of range (accepted: a whole number, 1 ≤ n ≤ 10000)",
    );
    refuse(
        &|s| s.n = 10_001,
        "n: 10001 is out of range (accepted: a whole number, 1 ≤ n ≤ 10000)",
    );
    refuse(
        &|s| s.noise = Some(-0.1),
        "noise: -0.1 is out of range (accepted: 0 ≤ noise ≤ 1)",
    );
    refuse(
        &|s| s.noise = Some(f64::NAN),
        "noise: NaN is out of range (accepted: 0 ≤ noise ≤ 1)",
    );
    refuse(
        &|s| s.test_fraction = 1.0,
        "test_fraction: 1 is out of range (accepted: 0 ≤ test_fraction < 1)",
    );
    refuse(
        &|s| s.test_fraction = -0.5,
        "test_fraction: -0.5 is out of range (accepted: 0 ≤ test_fraction < 1)",
    );
}

#[test]
fn serde_defaults_round_trip_and_unknown_fields() {
    let s: DatasetSpec = serde_json::from_str(r#"{"name":"circle"}"#).unwrap();
    assert_eq!(s, DatasetSpec::new(DatasetName::Circle));
    assert_eq!(
        (
            s.n,
            s.noise,
            s.noise_level(),
            s.seed,
            s.test_fraction,
            s.standardize
        ),
        (200, None, 0.05, 0, 0.5, false)
    );
    assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"name":"circle"}"#);
    let full = r#"{"name":"three","n":50}"#;
    assert!(serde_json::from_str::<DatasetSpec>(full).is_err());
    let json =
        r#"{"name":"linear","n":50,"noise":0.2,"seed":4,"test_fraction":0.25,"standardize":true}"#;
    let s: DatasetSpec = serde_json::from_str(json).unwrap();
    assert_eq!(serde_json::to_string(&s).unwrap(), json);
    assert_eq!(DatasetSpec::new(DatasetName::Plane).noise_level(), 0.1);
    assert!(serde_json::from_str::<DatasetSpec>(r#"{"name":"xor","size":3}"#).is_err());
    for &name in DatasetName::ALL {
        let text = serde_json::to_string(&name).unwrap();
        assert_eq!(text, format!("\"{}\"", name.as_str()));
        assert_eq!(serde_json::from_str::<DatasetName>(&text).unwrap(), name);
    }
}

#[test]
fn the_list_names_each_set_as_serde_does() {
    for name in DatasetName::ALL {
        let written = serde_json::to_value(name).unwrap();
        assert_eq!(written, name.info().name);
        let read: DatasetName = serde_json::from_value(written).unwrap();
        assert_eq!(read, *name);
    }
    let names: std::collections::BTreeSet<_> =
        DatasetName::ALL.iter().map(|d| d.as_str()).collect();
    assert_eq!(names.len(), DatasetName::ALL.len(), "names are unique");
}

/// Gaussians and spiral in `k` classes: balanced labels `0..k`, each class around its own
/// centre or arm, the same seed the same points; two classes are the data as they always were;
/// other sets and other counts are refused with the field and what is accepted.
#[test]
fn k_class_gaussians_and_spirals() {
    for name in [DatasetName::Gaussians, DatasetName::Spiral] {
        let two = DatasetSpec::new(name);
        let mut listed = two.clone();
        listed.classes = 2;
        assert_eq!(listed.generate().unwrap(), two.generate().unwrap());
        for k in 3..=MAX_CLASSES {
            let mut spec = DatasetSpec::new(name);
            spec.classes = k;
            spec.n = 240;
            spec.test_fraction = 0.0;
            let Dataset::Classification { train, .. } = spec.generate().unwrap() else {
                panic!("classification")
            };
            assert_eq!(spec.generate().unwrap(), spec.generate().unwrap());
            for c in 0..k {
                let count = train.iter().filter(|p| p[2] == c as f64).count();
                assert_eq!(
                    count,
                    240 / k + usize::from(c >= k - 240 % k),
                    "{name:?} k={k} c={c}"
                );
            }
            assert!(train.iter().all(|p| p[2].fract() == 0.0 && p[2] < k as f64));
            if name == DatasetName::Gaussians {
                // Each blob's mean lies near its centre on the circle of radius 0.6.
                for c in 0..k {
                    let class: Vec<&[f64; 3]> = train.iter().filter(|p| p[2] == c as f64).collect();
                    let mean =
                        |j: usize| class.iter().map(|p| p[j]).sum::<f64>() / class.len() as f64;
                    let angle = std::f64::consts::TAU * c as f64 / k as f64;
                    let (cx, cy) = (0.6 * libm::sin(angle), 0.6 * libm::cos(angle));
                    assert!(libm::hypot(mean(0) - cx, mean(1) - cy) < 0.1, "{k} {c}");
                }
            }
        }
    }
    let refuse = |json: &str, expected: &str| {
        let spec: DatasetSpec = serde_json::from_str(json).unwrap();
        assert_eq!(spec.validate().unwrap_err().to_string(), expected);
    };
    refuse(
        r#"{"name":"spiral","classes":9}"#,
        "classes: 9 is out of range (accepted: a whole number, 2 ≤ classes ≤ 8)",
    );
    refuse(
        r#"{"name":"spiral","classes":1}"#,
        "classes: 1 is out of range (accepted: a whole number, 2 ≤ classes ≤ 8)",
    );
    refuse(
        r#"{"name":"moons","classes":3}"#,
        "classes: moons has 2 classes (gaussians and spiral take 2 to 8)",
    );
    let json = r#"{"name":"spiral","classes":3}"#;
    let spec: DatasetSpec = serde_json::from_str(json).unwrap();
    assert_eq!(serde_json::to_string(&spec).unwrap(), json);
    let two: DatasetSpec = serde_json::from_str(r#"{"name":"spiral","classes":2}"#).unwrap();
    assert_eq!(serde_json::to_string(&two).unwrap(), r#"{"name":"spiral"}"#);
}
