/** `optimlab study init`: a commented starter study file (validated by its test, like any other). */

export const STARTER = `# An optimlab study: your own question, asked on the fair protocol.
#   optimlab study check my-study.yaml    validates it, prints the planned runs and their time
#   optimlab study run my-study.yaml      makes the study folder (summary.md, report.html, CSVs)
# Editors complete and check this file from the JSON Schema named on the next line.
# yaml-language-server: $schema=https://optimlab.dev/study-file.schema.json

name: my-study                 # the folder is runs/<date>_my-study-<preset>
title: Is NorMuon better than tuned Muon?
# preset: cpu                  # smoke | cpu | thesis (default: by adapter; --preset overrides)
# model: { nLayers: 4 }        # model fields that differ from the preset's
# corpus: ./my-corpus.jsonl    # default: the embedded SOTU corpus
# tokenizer: bpe               # bpe | gpt2 | ./tokenizer.json
# optimizerModule: ./my-optimizer.ts   # your defineOptimizer entries join the registry

seeds: 5                       # fresh seeds (2000 onwards) of the final comparisons: at least 3 for a verdict
tuning:                        # the same procedure and budget for every tuned contestant
  seeds: 3                     # choices are made on the mean of these (1000 onwards)
  horizon: long                # short | long (the preset's) | a number of steps
  perDecade: 4                 # the LR lattice: 4 points per decade
  maxExtensions: 3             # LR points added while the best is on an edge
  balance: true                # top up the side with fewer runs to within 10%
byPreset:
  smoke: { seeds: 3, tuning: { seeds: 1, perDecade: 2, maxExtensions: 0, maxAlternatives: 1 } }

contestants:
  - key: normuon
    name: NorMuon+AdamW
    optimizer: { name: normuon+adamw, schedule: cosine, warmupRatio: 0.05 }   # fixed knobs
    adamwRatio: 0.1            # the AdamW group's LR = this × the main LR
    lr: { from: 0.01, to: 0.1 }            # the first LR grid, on the lattice
    tune: { momentum: [0.9, 0.98] }        # then each knob in order: alternatives to the fixed value
  - key: muon
    name: Muon+AdamW
    optimizer: { name: muon+adamw, schedule: cosine, warmupRatio: 0.05 }
    adamwRatio: 0.1
    lr: { from: 0.01, to: 0.1 }
    tune: { momentum: [0.9, 0.98] }

questions:                     # kinds: final-comparison, token-speedup, lr-sensitivity, one-factor
  - kind: final-comparison
    contestant: normuon
    baseline: muon
  # - kind: token-speedup      # how many times fewer tokens (baseline fitted over 4 budgets)
  #   contestant: normuon
  #   baseline: muon
  # - kind: one-factor         # one change from the tuned config, on the same seeds
  #   contestant: normuon
  #   change: { nsSteps: 3 }
  #   label: ns 3
`;
