from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class ErasureForm(FlaskForm):
    confirm = BooleanField(
        "Je confirme l’effacement : il est définitif.",
        validators=[DataRequired("Cochez la case pour confirmer l’effacement.")],
    )
