"""The textbook's claims and statements, each judged against what the code measured."""
