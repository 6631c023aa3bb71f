#!/usr/bin/python3
"""Write test/fixtures/model-reference.json: PyTorch fp32 softmax of the trained model for a set of
hand-written banking-style sentences, for test/model.test.ts to compare with the ONNX model as run by
transformers.js.

The sentences below were written for this project (not taken from BANKING77). They mix plain,
misspelt, long (over the 128-token limit) and odd-unicode inputs. Ids use transformers.js truncation
(slice after adding [CLS]/[SEP], so an over-long input loses its [SEP]) and each sentence is run on
its own (no padding), as the test does.

usage: reference_outputs.py --model-dir models/banking77-lt --weights SCRATCH/work/pytorch_model.bin \
           --out test/fixtures/model-reference.json
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_model as bm  # noqa: E402

LONG = ("I opened the account last spring and everything was fine until this week, when I noticed that "
        "the balance on the app did not match what I expected after paying my rent, my phone bill, "
        "two grocery runs, a train ticket to Leeds and a birthday present for my niece, and when I went "
        "through every single line of the statement one by one I found a card payment of £64.20 to a "
        "company called Northwind Digital that I have never heard of, never signed up for and never "
        "bought anything from, so could you please tell me who they are and how I get that money back "
        "because I am honestly worried that somebody has got hold of my card details somewhere")

SENTENCES = [
    ("plain", "My new card still hasn't turned up in the post, it's been twelve days."),
    ("plain", "How do I set a different PIN for my card?"),
    ("plain", "The cash machine took my card and never gave it back."),
    ("plain", "Why did you charge me £2.50 for taking money out of an ATM?"),
    ("plain", "I want to close my account for good."),
    ("plain", "Which currencies can I keep money in?"),
    ("plain", "My phone was stolen on the bus this morning, can someone get into my banking app?"),
    ("plain", "Is there an age requirement to open an account?"),
    ("typo", "my top up faild twice tody, wat is going on"),
    ("typo", "I cant remmeber my pasccode for the app"),
    ("typo", "why was i chargd twice for the same purchse"),
    ("typo", "teh exchnage rate on my cash withdrawl in spain was rubish"),
    ("short", "refund?"),
    ("short", "Apple Pay"),
    ("odd-unicode", "Ｍｙ ｃａｒｄ ｐａｙｍｅｎｔ ｗａｓ ｄｅｃｌｉｎｅｄ at the café 😡"),
    ("odd-unicode", "Où est ma carte? I ordered it 2 weeks ago\u00a0and nothing yet"),
    ("odd-unicode", "transfer\u200bpending since Monday — is that normal?"),
    ("odd-unicode", "我的 card is not working at any shop"),
    ("long", LONG),
    ("long-repeated", "please help " * 70 + "my contactless payments keep failing"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True, help="the bundled model folder (config.json, tokenizer.json)")
    ap.add_argument("--weights", required=True, help="pytorch_model.bin written by build_model.py --work")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    torch.set_num_threads(1)
    bm.set_fast_linear(False)  # the exact ops of the exported graph
    config = json.load(open(os.path.join(args.model_dir, "config.json"), encoding="utf-8"))
    tok_json = json.load(open(os.path.join(args.model_dir, "tokenizer.json"), encoding="utf-8"))
    tok_cfg = json.load(open(os.path.join(args.model_dir, "tokenizer_config.json"), encoding="utf-8"))
    labels = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
    cfg = bm.Cfg(vocab_size=config["vocab_size"], hidden_size=config["hidden_size"],
                 num_hidden_layers=config["num_hidden_layers"], num_attention_heads=config["num_attention_heads"],
                 intermediate_size=config["intermediate_size"],
                 max_position_embeddings=config["max_position_embeddings"], type_vocab_size=config["type_vocab_size"],
                 layer_norm_eps=config["layer_norm_eps"], hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
                 initializer_range=0.02, pad_token_id=config["pad_token_id"], num_labels=len(labels))
    model = bm.BertForSequenceClassification(cfg)
    model.load_state_dict(torch.load(args.weights, map_location="cpu"))
    model.eval()
    tok = bm.WordPieceTokenizer(tok_json["model"]["vocab"], tok_cfg["model_max_length"])

    rows = []
    with torch.no_grad():
        for kind, text in SENTENCES:
            ids = tok.encode(text, js_truncation=True)
            x = torch.tensor([ids])
            probs = F.softmax(model(x, torch.ones_like(x), torch.zeros_like(x)), -1)[0].tolist()
            ranked = sorted(range(len(probs)), key=lambda k: -probs[k])
            rows.append({"kind": kind, "text": text, "n_tokens": len(ids), "top": labels[ranked[0]],
                         "margin": round(probs[ranked[0]] - probs[ranked[1]], 6),
                         "probs": [float(f"{p:.9g}") for p in probs]})
            print(f"{kind:14s} {len(ids):4d} tok  {labels[ranked[0]]:45s} p={probs[ranked[0]]:.3f}  {text[:50]!r}")
    out = {"model": "banking77-lt", "precision": "fp32", "produced_by": "models/banking77-lt/training/reference_outputs.py",
           "labels": labels, "sentences": rows}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote", args.out, len(rows), "sentences")


if __name__ == "__main__":
    main()
