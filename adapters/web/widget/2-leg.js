  // widget.js, part 2: the leg picture of the location question. The parts in adapters/web/widget/ are
  // joined in name order into the one widget.js the server serves
  // (adapters/web/CMakeLists.txt); each continues the previous one.

  // ------------------------------------------------------------- leg picture
  //
  // Two views of one lower leg, back and front, drawn in a 160 x 320 box each.
  // Regions are rectangles clipped to the leg's outline; each maps to a choice
  // id of the "location" question (knowledge/data/questions.json). Drawn as a
  // left leg; mirrored when the patient said the right leg, so that "inner"
  // and "outer" sit on the correct sides (they are labelled as well).

  var LEG_OUTLINE =
    'M46 34 L114 34 C116 50 115 60 114 70 C126 95 132 130 124 165 C116 200 102 225 98 250 ' +
    'L100 272 C104 285 100 298 88 302 L72 302 C60 298 56 285 60 272 L62 250 ' +
    'C58 225 44 200 36 165 C28 130 34 95 46 70 C45 60 44 50 46 34 Z';
  var FOOT_FRONT =
    'M62 250 L98 250 L100 268 C112 282 118 296 116 312 L44 312 C42 296 48 282 60 268 Z';

  // [id, x, y, width, height] in the unmirrored (left leg) drawing. The side
  // strips cover the calf only, and each rectangle's centre lies inside the
  // leg, so a tap on the middle of a region always lands on it.
  var BACK_REGIONS = [
    ['behind_knee', 30, 50, 100, 38],
    ['upper_calf', 52, 88, 56, 52],
    ['mid_calf', 52, 140, 56, 50],
    ['lower_calf', 52, 190, 56, 72],
    ['outer', 26, 88, 26, 130],   // back of a left leg: the outer side is on the viewer's left
    ['inner', 108, 88, 26, 130],
    ['foot', 0, 262, 160, 50]
  ];
  var FRONT_REGIONS = [
    ['shin', 52, 88, 56, 174],
    ['inner', 26, 88, 26, 130],   // front of a left leg: the inner side is on the viewer's left
    ['outer', 108, 88, 26, 130],
    ['foot', 0, 262, 160, 52]
  ];
  var LEG_IDS = ['behind_knee', 'upper_calf', 'mid_calf', 'lower_calf', 'inner', 'outer', 'shin',
                 'foot', 'whole_leg'];

  function buildLeg(mirror, onToggle) {
    var root = svg('svg', {viewBox: '0 28 360 306', 'aria-hidden': 'true', focusable: 'false'});
    var clipId = nextId('legclip');
    var clipFrontId = nextId('legclipf');
    var defs = svg('defs');
    var clip = svg('clipPath', {id: clipId});
    clip.appendChild(svg('path', {d: LEG_OUTLINE}));
    var clipFront = svg('clipPath', {id: clipFrontId});
    clipFront.appendChild(svg('path', {d: LEG_OUTLINE}));
    clipFront.appendChild(svg('path', {d: FOOT_FRONT}));
    defs.appendChild(clip);
    defs.appendChild(clipFront);
    root.appendChild(defs);

    var regions = [];
    function view(offsetX, title, list, front) {
      var g = svg('g', {transform: 'translate(' + offsetX + ' 18)'});
      var leg = svg('g', mirror ? {transform: 'translate(160 0) scale(-1 1)'} : {});
      leg.appendChild(svg('path', {d: LEG_OUTLINE, 'class': 'cb-skin'}));
      if (front) {
        leg.appendChild(svg('path', {d: FOOT_FRONT, 'class': 'cb-skin'}));
        leg.appendChild(svg('ellipse', {cx: 80, cy: 64, rx: 15, ry: 17, 'class': 'cb-mark'}));  // knee cap
        leg.appendChild(svg('path', {d: 'M84 92 C90 150 88 210 82 250', 'class': 'cb-mark'}));  // shin bone
      } else {
        leg.appendChild(svg('path', {d: 'M58 62 C70 70 90 70 102 62', 'class': 'cb-mark'}));  // knee crease
        leg.appendChild(svg('path', {d: 'M80 185 L80 268', 'class': 'cb-mark'}));  // Achilles tendon
      }
      var clipped = svg('g', {'clip-path': 'url(#' + (front ? clipFrontId : clipId) + ')'});
      list.forEach(function (r) {
        var rect = svg('rect', {x: r[1], y: r[2], width: r[3], height: r[4], 'class': 'cb-region'});
        rect.setAttribute('data-region', r[0]);
        rect.setAttribute('data-view', front ? 'front' : 'back');
        rect.addEventListener('click', function () { onToggle(r[0]); });
        clipped.appendChild(rect);
        regions.push(rect);
      });
      leg.appendChild(clipped);
      g.appendChild(leg);
      g.appendChild(svg('text', {x: 80, y: 28, 'text-anchor': 'middle', 'class': 'cb-view', text: title}));
      // side labels: which side is inner/outer depends on the view and on the leg
      var leftLabel = (front ? 'inner' : 'outer');
      var rightLabel = (front ? 'outer' : 'inner');
      if (mirror) { var t = leftLabel; leftLabel = rightLabel; rightLabel = t; }
      g.appendChild(svg('text', {x: 14, y: 175, 'text-anchor': 'middle', text: leftLabel,
                                 transform: 'rotate(-90 14 175)'}));
      g.appendChild(svg('text', {x: 146, y: 175, 'text-anchor': 'middle', text: rightLabel,
                                 transform: 'rotate(90 146 175)'}));
      root.appendChild(g);
    }
    view(10, 'Back', BACK_REGIONS, false);
    view(190, 'Front', FRONT_REGIONS, true);

    return {
      node: root,
      update: function (selected) {
        var all = selected.indexOf('whole_leg') >= 0;
        regions.forEach(function (r) {
          var on = all || selected.indexOf(r.getAttribute('data-region')) >= 0;
          r.classList.toggle('cb-on', on);
        });
      }
    };
  }
