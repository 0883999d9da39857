from services.activities.main import create_app
from services.activities.settings import ActivitiesSettings
from shared.serve import serve

if __name__ == "__main__":
    settings = ActivitiesSettings()
    serve(create_app(settings), settings)
