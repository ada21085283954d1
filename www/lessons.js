// Guided presets: each lesson is one link (a scenario in the URL, played on open) and a few
// sentences, every one of them true of the numbers the page shows when the run ends (the
// end-to-end tests check each one). Racers are named as the legend names them, with the colour
// their path and loss curve are drawn in. Where racers read data, they race to the same budget
// (`stop_epochs`), so the comparison is fair.
import { $ } from './dom.js';
import { t } from './i18n.js';

/**
 * The lessons, in teaching order. `shows` names what the text talks about beyond the canvas, for
 * an embedded lesson to show too: `chart`, `legend`, `theory`, `readout`, `norms`, `curvature`.
 * Each one's title and text are the catalogue's `lessons.<id>.title` and `lessons.<id>.text`
 * (www/i18n/), read in the page's current language.
 */
export const LESSONS = [
  {
    id: 'batching',
    query: 'f=linreg&n=100&noise=0.1&o=sgd(lr=0.03)~sgd(lr=0.03,batch=1)~sgd(lr=0.03,batch=10)&seed=1&steps=1200&stop_epochs=20&axis=samples&speed=200',
    shows: ['chart', 'legend'],
  },
  {
    id: 'momentum',
    query: 'f=quadratic&kappa=50&angle=0.5&o=sgd(lr=0.0392)~sgd(lr=0.0614,momentum=0.566)&start=3,2&steps=300&speed=100',
    shows: ['legend', 'theory'],
  },
  {
    id: 'learning-rate',
    query: 'f=quadratic&kappa=10&angle=0.3&o=sgd(lr=0.01)~sgd(lr=0.18)~sgd(lr=0.3)&start=3,2&steps=800&speed=200&curv=1',
    shows: ['legend', 'chart', 'curvature'],
  },
  {
    id: 'past-the-edge',
    query: 'f=rosenbrock&o=sgd(lr=0.0019)~sgd(lr=0.0021)~sgd(lr=0.0025)&start=0.9,0.81&steps=3000&speed=500&curv=1',
    shows: ['legend', 'chart', 'curvature'],
  },
  {
    id: 'adam-rosenbrock',
    query: 'f=rosenbrock&o=sgd(lr=0.001)~sgd(lr=0.001,momentum=0.9)~adam(lr=0.05)&start=-1.5,2&steps=3000',
    shows: ['legend', 'chart'],
  },
  {
    id: 'newton-lbfgs-adam-cost',
    query: 'f=rosenbrock&o=newton(lr=1)~lbfgs(lr=1,line_search_fn=strong_wolfe)~adam(lr=0.05)&start=-1.5,2&steps=400&stop_loss=1e-9&axis=samples&speed=50',
    shows: ['legend', 'chart'],
  },
  {
    id: 'saddle',
    query: 'f=saddle&o=sgd(lr=0.05)~adam(lr=0.05)~newton(lr=1)&start=1,0.001&steps=80&speed=20',
    shows: ['legend'],
  },
  {
    id: 'noise-rastrigin',
    query: 'f=rastrigin&o=sgd(lr=0.002)~sgd(lr=0.002,batch=1)&batch=1000000&sigma=150&sched=cosine(t_max=3000)&start=2.3,-1.7&seed=3&steps=3000',
    shows: ['legend'],
  },
  {
    id: 'batch-lr-spiral',
    query: 'f=mlp&data=spiral&n=400&noise=0.05&layers=8,8&act=relu&o=sgd(lr=0.05,momentum=0.9,batch=10)~sgd(lr=0.05,momentum=0.9,batch=100)~sgd(lr=0.5,momentum=0.9,batch=100)&batch=10&seed=9&steps=1600&stop_epochs=75&axis=epochs',
    shows: ['legend', 'chart', 'readout'],
  },
  {
    id: 'softmax-spiral',
    query: 'f=mlp&data=spiral&classes=3&n=600&loss=ce&layers=8,8&o=adam(lr=0.02)&batch=10&seed=1&steps=4000',
    shows: ['readout'],
  },
  {
    id: 'vanishing-gradients',
    query: 'f=mlp&data=circle&layers=8,8,8,8,8,8&act=sigmoid&o=sgd(lr=0.1)&batch=10&seed=1&steps=3000',
    shows: ['norms', 'readout'],
  },
  {
    id: 'zero-init',
    query: 'f=mlp&data=xor&layers=8&init=zeros&o=sgd(lr=0.3,momentum=0.9)&batch=10&seed=1&steps=2000',
    shows: ['readout'],
  },
  {
    id: 'newton-linreg',
    query: 'f=linreg&n=100&noise=0.3&o=newton(lr=1)~sgd(lr=0.5)&start=0.8,1.2&steps=60&stop_grad=1e-9&speed=20',
    shows: ['legend', 'chart'],
  },
  {
    id: 'l1-vs-l2',
    query: 'f=mlp&data=gaussians&layers=8,8&l1=0.01&o=sgd(lr=0.1)&batch=10&seed=1&steps=3000',
    shows: ['readout'],
  },
  {
    id: 'early-stopping',
    query: 'f=mlp&data=moons&n=40&noise=0.3&dseed=1&layers=16,16&act=relu&o=sgd(lr=0.1,momentum=0.9)&batch=5&seed=1&steps=500&stop_patience=20&axis=epochs',
    shows: ['chart', 'readout'],
  },
  {
    id: 'gradient-check',
    query: 'f=mlp&data=circle&layers=8,8&o=sgd(lr=0.1,momentum=0.9)&batch=10&seed=1&steps=100',
    shows: ['readout'],
  },
].map((lesson) => ({
  ...lesson,
  get title() { return t(`lessons.${lesson.id}.title`); },
  get text() { return t(`lessons.${lesson.id}.text`); },
}));

/** The lesson with this id, if there is one. */
export function lessonById(id) {
  return LESSONS.find((lesson) => lesson.id === id) ?? null;
}

/**
 * A link's query as the page opens it, and the id of a lesson it names but cannot show (else
 * null). The lesson's text is about the lesson's own scenario, so a link that names a lesson and
 * no scenario (`?lesson=momentum`, as the README shows) opens on that scenario and settings, as
 * the Lessons list opens it, with the link's own settings (language, embed, …) on top; a link
 * whose scenario is on another objective loses the lesson (the text would not be true of it).
 * Any other query comes back as it is. `scenarioOf(query)`: the scenario a query names, as JSON
 * text (the lab's reading).
 */
export function lessonLink(search, scenarioOf) {
  const params = new URLSearchParams(search);
  const lesson = lessonById(params.get('lesson'));
  if (!lesson) return { search, ignored: null };
  const own = scenarioOf(params.toString());
  if (own === scenarioOf('')) {
    const merged = new URLSearchParams(lesson.query);
    for (const [key, value] of params) merged.set(key, value);
    return { search: `?${merged.toString().replace(/%2C/gi, ',')}`, ignored: null };
  }
  if (JSON.stringify(JSON.parse(own).objective) === JSON.stringify(JSON.parse(scenarioOf(lesson.query)).objective)) return { search, ignored: null };
  params.delete('lesson');
  return { search: `?${params.toString().replace(/%2C/gi, ',')}`, ignored: lesson.id };
}

/** The page's chosen language (`null`: none chosen), which lesson links carry. */
let chosenLanguage = () => null;

/** Lesson `lesson`'s own URL: its scenario, its id and Play (and the frame's and language's keys). */
function lessonHref(lesson, embed) {
  const lang = chosenLanguage();
  return `?${lesson.query}&lesson=${lesson.id}&play=1${embed ? '&embed=1' : ''}${lang ? `&lang=${lang}` : ''}`;
}

/**
 * Focuses the lesson `box` and scrolls as little as shows it, but never past the picture's top
 * (`#stack`): the text reads beside the picture it is about, and what does not fit is a scroll
 * away, rather than the picture's top cut off to show the text's end.
 */
function bringIntoView(box) {
  box.focus({ preventScroll: true });
  const { top, bottom } = box.getBoundingClientRect();
  const pictureTop = $('stack').getBoundingClientRect().top;
  // Down to the text's end, but not past the picture's top; up to whichever is higher, when the
  // picture's top or the text's is above the window.
  let by = bottom > window.innerHeight ? Math.max(0, Math.min(bottom - window.innerHeight, pictureTop)) : 0;
  if (pictureTop - by < 0 || top - by < 0) by = Math.min(top, pictureTop);
  if (by !== 0) window.scrollBy({ top: by, behavior: 'instant' });
}

/**
 * Lists the lessons as links (each also a URL of its own) that `open(lesson)` applies in place,
 * and gives the lesson box its close button, which calls `close()`. `language()` is the language
 * a person chose, which the links carry.
 */
export function setUpLessons({ open, close, embed, language }) {
  chosenLanguage = language;
  const list = $('lesson-list');
  list.replaceChildren();
  for (const lesson of LESSONS) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = lessonHref(lesson, embed);
    link.dataset.embed = embed ? '1' : '';
    link.textContent = lesson.title;
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      $('lessons').open = false;
      // Focus moves to the lesson once it opened (a network's waits for the whole page's module),
      // so a keyboard or screen-reader user reads it next (and Space plays it) instead of
      // starting again from the top of the page.
      Promise.resolve(open(lesson)).then(() => { if (!$('lesson').hidden) bringIntoView($('lesson')); });
    });
    item.append(link);
    list.append(item);
  }
  $('lesson-close').addEventListener('click', () => {
    close();
    // The focus was on the button just hidden: it goes to where lessons are chosen (in a frame,
    // which has no list, to Play), not back to the top of the page.
    const summary = $('lessons').querySelector('summary');
    (summary.offsetParent === null ? $('play') : summary).focus();
  });
}

/** Words the list of lessons again, in the page's current language, and links it to that language. */
export function relabelLessons() {
  [...$('lesson-list').querySelectorAll('a')].forEach((link, index) => {
    link.textContent = LESSONS[index].title;
    link.href = lessonHref(LESSONS[index], link.dataset.embed === '1');
  });
}

/** Shows `lesson`'s title and text beside the demo, or hides the box for `null`. */
export function showLesson(lesson) {
  $('lesson').hidden = !lesson;
  if (!lesson) return;
  $('lesson-title').textContent = lesson.title;
  $('lesson-text').textContent = lesson.text;
}

/**
 * The digits lab's lessons, opened from its own panel: each a scenario for the digits lab and a
 * few sentences true of the numbers its views show when the run ends (tests/e2e/digits.test.mjs
 * checks each). Two convolutions of 8 channels, each padded and pooled, then the dense layer.
 */
const TWO_CONVS = { kind: 'cnn', convs: [{ channels: 8, padding: 1, pool: true }, { channels: 8, padding: 1, pool: true }] };
export const DIGITS_LESSONS = [
  {
    id: 'digits-vanishing',
    scenario: { objective: { ...TWO_CONVS, activation: 'sigmoid', init: 'uniform' }, optimizer: { name: 'sgd', lr: 0.1 }, batch_size: 32, seed: 1, steps: 150 },
  },
  {
    id: 'digits-exploding',
    scenario: { objective: { ...TWO_CONVS, activation: 'relu', init_scale: 4 }, optimizer: { name: 'sgd', lr: 0.5 }, batch_size: 32, seed: 1, steps: 150 },
  },
  {
    // The same SGD on the full batch, batches of 32 and single samples, three epochs each: the
    // racers stop when they have read as many digits (src/session/digits.rs checks the claim).
    id: 'digits-batching',
    scenario: {
      objective: { ...TWO_CONVS, activation: 'relu' },
      optimizer: { name: 'sgd', lr: 0.05 },
      race: [{ optimizer: { name: 'sgd', lr: 0.05 }, batch_size: 32 }, { optimizer: { name: 'sgd', lr: 0.05 }, batch_size: 1 }],
      stop: { epochs: 3 },
      seed: 1,
      steps: 100000,
    },
  },
];
