"""The transformers side of inferbench_compile.py: a Hugging Face model loaded as the workshop loads it.

AutoModelForSequenceClassification (or, for a model type without that head, the class config.json's `architectures`
names) with torchscript=True, wrapped so that the trace takes exactly the inputs the run feeds, by name.
"""

import sys

from inferbench_errors import SpecError, one_line

# What transformers' auto classes raise for a configuration class they do not map.
UNRECOGNIZED_CONFIGURATION = "Unrecognized configuration class"


def load_pretrained(transformers, config, model_dir):
    """AutoModelForSequenceClassification, as the workshop loads it; a model type without that head as the class config.json names."""
    try:
        # torchscript=True makes the model return tuples, which torch.jit.trace needs.
        return transformers.AutoModelForSequenceClassification.from_pretrained(model_dir, torchscript=True)
    except ValueError as error:
        # Any other ValueError (a refused pytorch_model.bin, say) is the answer, not a reason to try another class.
        if UNRECOGNIZED_CONFIGURATION not in str(error):
            raise
        architectures = getattr(config, "architectures", None) or []
        named = getattr(transformers, architectures[0], None) if architectures else None
        if named is None:
            # The message's first line names the configuration; the next lists every type the auto class maps.
            first = str(error).strip().splitlines()[0]
            raise SpecError(f"transformers has no sequence classifier for {model_dir}, and its config.json names no class transformers has ({', '.join(architectures) or 'none'}): {first}") from None
        return named.from_pretrained(model_dir, torchscript=True)


def keyword_forward(model, names):
    """A module taking `names` positionally that passes them to `model` by keyword: the trace takes exactly the inputs
    the run feeds, under their names, whatever the order of the model's own parameters (GPT-2 puts others between)."""
    import torch

    bad = [name for name in names if not name.isidentifier()]
    if bad:
        raise SpecError(f"input names {', '.join(bad)} are not Python identifiers, so they cannot be keyword arguments of the model")
    namespace = {}
    exec(f"def forward(self, {', '.join(names)}):\n    return self.model({', '.join(f'{n}={n}' for n in names)})\n", namespace)
    wrapper = type("KeywordForward", (torch.nn.Module,), {"forward": namespace["forward"]})()
    wrapper.model = model
    return wrapper


def transformers_model(model_dir, example):
    try:
        import transformers
    except ImportError:
        raise SpecError(f"the transformers package is not installed for {sys.executable}; pip install transformers") from None
    if not example:
        raise SpecError("a transformers model is traced on a tokenized batch, and the compile spec gives none (exampleInputs)")
    try:
        config = transformers.AutoConfig.from_pretrained(model_dir)
        model = load_pretrained(transformers, config, model_dir)
    except OSError as error:
        raise SpecError(f"transformers cannot load '{model_dir}': {one_line(error)}") from None
    vocab_size = getattr(config, "vocab_size", None)
    ids = example.get("input_ids")
    if ids is not None and vocab_size and int(ids.max()) >= vocab_size:
        raise SpecError(f"the tokenizer gives token id {int(ids.max())}, but the model's vocabulary has {vocab_size} ids; use the model's own tokenizer (leave --tokenizer unset)")
    return keyword_forward(model, list(example)), tuple(example.values()), list(example)
