from services.notifications.main import create_app
from services.notifications.settings import NotificationsSettings
from shared.serve import serve

if __name__ == "__main__":
    settings = NotificationsSettings()
    serve(create_app(settings), settings)
